/**
 * A person's part of a case: decide (or approve the system's proposal) on a calculation version,
 * ask the applicant to complete the application and take the answer, record a recovery claim
 * (återkrav). Each write runs in one transaction that locks the application, checks its status,
 * writes, records the status change and appends to the audit log, so a retry or a race never does
 * anything twice. Every query is scoped by municipality.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import { applicationContentSchema, personDecision } from '@tillit/domain';
import type { ApplicationContent, DecisionProblem, Outcome } from '@tillit/domain';
import type { Msg, Receipt } from '@tillit/rules';
import { appendAudit } from '../audit.ts';
import type { Database } from '../db/schema.ts';
import { resolveAlerts } from './alerts.ts';
import { applicantIssues, recordStatus } from './applications.ts';

type Tx = Kysely<Database> | Transaction<Database>;
export interface CaseScope {
  readonly id: string;
  readonly municipality: string;
}

/** The form as it stands: the submitted snapshot, or the applicant's latest corrected form. */
export async function currentContent(db: Tx, scope: CaseScope): Promise<ApplicationContent> {
  const corrected = await db
    .selectFrom('completion_request')
    .select('answer_content')
    .where('application_id', '=', scope.id)
    .where('municipality_id', '=', scope.municipality)
    .where('answer_content', 'is not', null)
    .orderBy('answered_at', 'desc')
    .executeTakeFirst();
  if (corrected?.answer_content) return corrected.answer_content as ApplicationContent;
  const app = await db
    .selectFrom('application')
    .select('snapshot')
    .where('id', '=', scope.id)
    .where('municipality_id', '=', scope.municipality)
    .executeTakeFirstOrThrow();
  return app.snapshot as ApplicationContent;
}

/** Stores a calculation as the case's next version; returns its id. */
export async function recordCalculation(
  tx: Transaction<Database>,
  scope: CaseScope,
  c: {
    /** The receipt as JSON (serialized once by the caller, who may store it again). */
    readonly receiptJson: string;
    readonly amountOre: number;
    readonly proposedOutcome: Outcome;
    readonly createdBy: string;
    readonly reason?: string;
  },
): Promise<string> {
  const last = await tx
    .selectFrom('calculation')
    .select(sql<number>`max(version)`.as('version'))
    .where('application_id', '=', scope.id)
    .executeTakeFirst();
  const version = Number(last?.version ?? 0) + 1;
  const id = randomUUID();
  await tx
    .insertInto('calculation')
    .values({
      id,
      application_id: scope.id,
      municipality_id: scope.municipality,
      version,
      receipt: c.receiptJson,
      amount_ore: c.amountOre,
      proposed_outcome: c.proposedOutcome,
      created_by: c.createdBy,
      reason: c.reason ?? (version === 1 ? null : 'Ny beräkning när ärendet prövades igen.'),
    })
    .execute();
  return id;
}

/** Months a recovery claim counts as recent: decided within the twelve months before the application month. */
export const RECENT_RECOVERY_CLAIM_MONTHS = 12;

export async function hasRecentRecoveryClaim(
  db: Tx,
  q: { readonly municipality: string; readonly applicant: string; readonly month: string },
): Promise<boolean> {
  const row = await db
    .selectFrom('recovery_claim')
    .select('id')
    .where('municipality_id', '=', q.municipality)
    .where('applicant', '=', q.applicant)
    .where(
      'decided_on',
      '>=',
      sql<string>`(${`${q.month}-01`}::date - make_interval(months => ${RECENT_RECOVERY_CLAIM_MONTHS}))::date`,
    )
    .executeTakeFirst();
  return row !== undefined;
}

/** Why a write was refused: the case is not in a state that allows it. */
export type Conflict =
  | { readonly conflict: 'not-awaiting-person'; readonly status: string }
  | { readonly conflict: 'already-decided' }
  | { readonly conflict: 'open-flags'; readonly flags: readonly string[] }
  | { readonly conflict: 'no-calculation' }
  | { readonly conflict: 'stale-calculation'; readonly latest: number }
  | { readonly conflict: 'not-waiting' }
  | { readonly conflict: 'awaiting-second-approval' }
  | { readonly conflict: 'adjustment-rejected' }
  | { readonly conflict: 'same-person' }
  | { readonly conflict: 'adjustment-reviewed'; readonly status: string };

async function lockApplication(tx: Transaction<Database>, scope: CaseScope, applicant?: string) {
  let q = tx
    .selectFrom('application')
    .select(['id', 'status', 'applicant', 'protected_identity'])
    .where('id', '=', scope.id)
    .where('municipality_id', '=', scope.municipality);
  if (applicant !== undefined) q = q.where('applicant', '=', applicant);
  return q.forUpdate().executeTakeFirst();
}

export interface PersonDecisionRequest {
  /** The person's subject (never an identity number). */
  readonly actor: string;
  /** The person's name, as the letter gives it. */
  readonly actorName?: string;
  readonly role: string;
  readonly outcome: Outcome;
  /** The calculation version the person decided on: a newer one makes the request stale. */
  readonly calculationVersion: number;
  readonly statement?: string;
}

export type PersonDecisionResult =
  | { readonly ok: true; readonly decisionId: string; readonly amountOre: number; readonly replay: boolean }
  | { readonly ok: false; readonly reason: 'not-found' }
  | { readonly ok: false; readonly reason: 'invalid'; readonly problems: readonly DecisionProblem[] }
  | ({ readonly ok: false; readonly reason: 'conflict' } & Conflict);

/**
 * A person decides a case that waits for one. Every flag must have been acknowledged first; the
 * decision is made on the latest calculation version and records who decided and why.
 */
export async function decideByPerson(
  db: Kysely<Database>,
  scope: CaseScope,
  req: PersonDecisionRequest,
): Promise<PersonDecisionResult> {
  return db.transaction().execute(async (tx): Promise<PersonDecisionResult> => {
    const app = await lockApplication(tx, scope);
    if (!app) return { ok: false, reason: 'not-found' };
    const calc = await tx
      .selectFrom('calculation')
      .select(['id', 'version', 'amount_ore', 'proposed_outcome', 'receipt'])
      .where('application_id', '=', scope.id)
      .where('municipality_id', '=', scope.municipality)
      .orderBy('version', 'desc')
      .executeTakeFirst();
    if (app.status === 'decided') {
      // The same person's retry of the same decision answers as the first time did.
      const d = await tx
        .selectFrom('decision')
        .select(['id', 'outcome', 'decided_by', 'amount_ore', 'calculation_id'])
        .where('application_id', '=', scope.id)
        .where('municipality_id', '=', scope.municipality)
        .executeTakeFirstOrThrow();
      if (d.decided_by === req.actor && d.outcome === req.outcome && calc && d.calculation_id === calc.id)
        return { ok: true, decisionId: d.id, amountOre: Number(d.amount_ore), replay: true };
      return { ok: false, reason: 'conflict', conflict: 'already-decided' };
    }
    if (app.status !== 'needs-person')
      return { ok: false, reason: 'conflict', conflict: 'not-awaiting-person', status: app.status };
    const open = await tx
      .selectFrom('flag')
      .select('check_id')
      .where('application_id', '=', scope.id)
      .where('municipality_id', '=', scope.municipality)
      .where('status', '=', 'open')
      .orderBy('id')
      .execute();
    if (open.length > 0)
      return { ok: false, reason: 'conflict', conflict: 'open-flags', flags: open.map((f) => f.check_id) };
    if (!calc) return { ok: false, reason: 'conflict', conflict: 'no-calculation' };
    // Four eyes (docs/adjustments.md): a version made by an adjustment that needs a second
    // caseworker is decided only once approved, and never once rejected.
    const adjusted = await tx
      .selectFrom('adjustment')
      .innerJoin('calculation', 'calculation.id', 'adjustment.calculation_id')
      .select(['adjustment.needs_second', 'adjustment.approved_at', 'adjustment.rejected_at'])
      .where('adjustment.application_id', '=', scope.id)
      .where('adjustment.municipality_id', '=', scope.municipality)
      .where('calculation.version', '=', req.calculationVersion)
      .executeTakeFirst();
    if (adjusted?.rejected_at) return { ok: false, reason: 'conflict', conflict: 'adjustment-rejected' };
    if (adjusted?.needs_second && !adjusted.approved_at)
      return { ok: false, reason: 'conflict', conflict: 'awaiting-second-approval' };
    if (calc.version !== req.calculationVersion)
      return { ok: false, reason: 'conflict', conflict: 'stale-calculation', latest: calc.version };
    const decided = personDecision({
      outcome: req.outcome,
      calculation: { amountOre: Number(calc.amount_ore), proposedOutcome: calc.proposed_outcome },
      statement: req.statement,
    });
    if (!decided.ok) return { ok: false, reason: 'invalid', problems: decided.problems };
    const receipt = calc.receipt as Receipt;
    const result = receipt.lines.find((l) => l.rule === 'result.amount');
    const reasons: Msg[] = result ? [result.text] : [];
    const decisionId = randomUUID();
    await tx
      .insertInto('decision')
      .values({
        id: decisionId,
        application_id: scope.id,
        municipality_id: scope.municipality,
        outcome: req.outcome,
        amount_ore: decided.amountOre,
        automated: false,
        decided_by: req.actor,
        decided_by_name: req.actorName ?? null,
        reasons: JSON.stringify(reasons),
        receipt: JSON.stringify(receipt),
        calculation_id: calc.id,
        statement: req.statement?.trim() || null,
      })
      .execute();
    await recordStatus(tx, scope, 'decided', req.actor, {
      outcome: req.outcome,
      amountOre: decided.amountOre,
      calculationVersion: calc.version,
    });
    await resolveAlerts(tx, scope.id);
    await appendAudit(tx, {
      actor: req.actor,
      role: req.role,
      municipalityId: scope.municipality,
      action: 'write',
      objectType: 'decision',
      objectId: decisionId,
      purpose: 'decision-by-person',
      details: { application: scope.id, outcome: req.outcome, calculationVersion: calc.version },
    });
    return { ok: true, decisionId, amountOre: decided.amountOre, replay: false };
  });
}

export interface CompletionRequestInput {
  readonly actor: string;
  readonly role: string;
  readonly message: string;
  readonly items: readonly string[];
  /** YYYY-MM-DD: the day by which the applicant should answer. */
  readonly dueDate: string;
}

export type CompletionRequestResult =
  | { readonly ok: true; readonly requestId: string; readonly replay: boolean }
  | { readonly ok: false; readonly reason: 'not-found' }
  | ({ readonly ok: false; readonly reason: 'conflict' } & Conflict);

/** A person asks the applicant to complete the application; the case waits for the applicant. */
export async function requestCompletion(
  db: Kysely<Database>,
  scope: CaseScope,
  req: CompletionRequestInput,
): Promise<CompletionRequestResult> {
  return db.transaction().execute(async (tx): Promise<CompletionRequestResult> => {
    const app = await lockApplication(tx, scope);
    if (!app) return { ok: false, reason: 'not-found' };
    if (app.status === 'waiting-applicant') {
      const open = await tx
        .selectFrom('completion_request')
        .select(['id', 'requested_by', 'message', 'items'])
        .where('application_id', '=', scope.id)
        .where('answered_at', 'is', null)
        .executeTakeFirstOrThrow();
      const same =
        open.requested_by === req.actor &&
        open.message === req.message &&
        JSON.stringify(open.items) === JSON.stringify(req.items);
      if (same) return { ok: true, requestId: String(open.id), replay: true };
    }
    if (app.status !== 'needs-person')
      return { ok: false, reason: 'conflict', conflict: 'not-awaiting-person', status: app.status };
    const inserted = await tx
      .insertInto('completion_request')
      .values({
        application_id: scope.id,
        municipality_id: scope.municipality,
        requested_by: req.actor,
        message: req.message,
        items: JSON.stringify(req.items),
        due_date: req.dueDate,
        answered_at: null,
        answer_key: null,
        answer_message: null,
        answer_content: null,
      })
      .returning(sql<string>`id::text`.as('id'))
      .executeTakeFirstOrThrow();
    await recordStatus(tx, scope, 'waiting-applicant', req.actor, { completionRequest: inserted.id });
    await appendAudit(tx, {
      actor: req.actor,
      role: req.role,
      municipalityId: scope.municipality,
      action: 'write',
      objectType: 'completion-request',
      objectId: inserted.id,
      purpose: 'completion-requested',
      details: { application: scope.id, items: req.items.length },
    });
    return { ok: true, requestId: inserted.id, replay: false };
  });
}

/** The open (or latest) completion request of an application, for the applicant's view. */
export async function completionRequestOf(db: Tx, scope: CaseScope) {
  const r = await db
    .selectFrom('completion_request')
    .select([
      sql<string>`id::text`.as('id'),
      'message',
      'items',
      sql<string>`to_char(due_date, 'YYYY-MM-DD')`.as('due_date'),
      'requested_at',
      'answered_at',
    ])
    .where('application_id', '=', scope.id)
    .where('municipality_id', '=', scope.municipality)
    .orderBy('requested_at', 'desc')
    .executeTakeFirst();
  return r
    ? {
        id: r.id,
        message: r.message,
        items: r.items as string[],
        dueDate: r.due_date,
        requestedAt: new Date(r.requested_at).toISOString(),
        answeredAt: r.answered_at ? new Date(r.answered_at).toISOString() : null,
      }
    : null;
}

export type CompletionAnswerResult =
  | { readonly ok: true; readonly replay: boolean }
  | { readonly ok: false; readonly reason: 'not-found' }
  | { readonly ok: false; readonly reason: 'invalid'; readonly issues: unknown }
  | ({ readonly ok: false; readonly reason: 'conflict' } & Conflict);

/**
 * The applicant answers a completion request, with a message and optionally a corrected form
 * (validated like a submission; the submitted snapshot stays as it was). The case goes back to
 * the pipeline. Idempotent on the client key.
 */
export async function answerCompletion(
  db: Kysely<Database>,
  scope: CaseScope & { readonly applicant: string },
  answer: { readonly key: string; readonly message: string; readonly content?: unknown },
): Promise<CompletionAnswerResult> {
  return db.transaction().execute(async (tx): Promise<CompletionAnswerResult> => {
    const app = await lockApplication(tx, scope, scope.applicant);
    if (!app) return { ok: false, reason: 'not-found' };
    const replayed = await tx
      .selectFrom('completion_request')
      .select('id')
      .where('application_id', '=', scope.id)
      .where('answer_key', '=', answer.key)
      .executeTakeFirst();
    if (replayed) return { ok: true, replay: true };
    if (app.status !== 'waiting-applicant') return { ok: false, reason: 'conflict', conflict: 'not-waiting' };
    let content: ApplicationContent | undefined;
    if (answer.content !== undefined) {
      const parsed = applicationContentSchema.safeParse(answer.content, { reportInput: true });
      if (!parsed.success) return { ok: false, reason: 'invalid', issues: parsed.error.issues };
      const wrongApplicant = applicantIssues(parsed.data, scope.applicant);
      if (wrongApplicant) return { ok: false, reason: 'invalid', issues: wrongApplicant };
      content = parsed.data;
    }
    const updated = await tx
      .updateTable('completion_request')
      .set({
        answered_at: new Date(),
        answer_key: answer.key,
        answer_message: answer.message,
        answer_content: content ? JSON.stringify(content) : null,
      })
      .where('application_id', '=', scope.id)
      .where('answered_at', 'is', null)
      .returning(sql<string>`id::text`.as('id'))
      .executeTakeFirstOrThrow();
    await recordStatus(tx, scope, 'received', 'applicant', {
      completionRequest: updated.id,
      correctedForm: content !== undefined,
    });
    await tx
      .insertInto('job')
      .values({
        municipality_id: scope.municipality,
        application_id: scope.id,
        locked_by: null,
        locked_until: null,
        last_error: null,
        done_at: null,
      })
      .execute();
    await appendAudit(tx, {
      actor: 'applicant',
      role: 'applicant',
      municipalityId: scope.municipality,
      action: 'write',
      objectType: 'completion-request',
      objectId: updated.id,
      purpose: 'completion-answered',
      details: { application: scope.id, correctedForm: content !== undefined },
    });
    return { ok: true, replay: false };
  });
}

export const RECOVERY_CLAIM_BASES = ['sol-9-1', 'sol-9-2'] as const;

export type RecoveryClaimResult =
  | { readonly ok: true; readonly claimId: string; readonly replay: boolean }
  | { readonly ok: false; readonly reason: 'not-found' };

/**
 * Records a recovery claim (återkrav) against the household of an application. The decision on
 * the claim itself is a separate appealable decision; this records that it was made, so that the
 * household's next applications are checked by a person. Idempotent on the client key.
 */
export async function recordRecoveryClaim(
  db: Kysely<Database>,
  scope: CaseScope,
  claim: {
    readonly actor: string;
    readonly role: string;
    readonly key: string;
    readonly amountOre: number;
    readonly basis: (typeof RECOVERY_CLAIM_BASES)[number];
    readonly reason: string;
    readonly decidedOn: string;
  },
): Promise<RecoveryClaimResult> {
  return db.transaction().execute(async (tx): Promise<RecoveryClaimResult> => {
    const app = await lockApplication(tx, scope);
    if (!app) return { ok: false, reason: 'not-found' };
    const earlier = await tx
      .selectFrom('recovery_claim')
      .select('id')
      .where('municipality_id', '=', scope.municipality)
      .where('client_key', '=', claim.key)
      .executeTakeFirst();
    if (earlier) return { ok: true, claimId: earlier.id, replay: true };
    const id = randomUUID();
    await tx
      .insertInto('recovery_claim')
      .values({
        id,
        municipality_id: scope.municipality,
        applicant: app.applicant,
        application_id: scope.id,
        amount_ore: claim.amountOre,
        basis: claim.basis,
        reason: claim.reason,
        decided_on: claim.decidedOn,
        created_by: claim.actor,
        client_key: claim.key,
      })
      .execute();
    await appendAudit(tx, {
      actor: claim.actor,
      role: claim.role,
      municipalityId: scope.municipality,
      action: 'write',
      objectType: 'recovery-claim',
      objectId: id,
      purpose: 'recovery-claim-recorded',
      details: { application: scope.id, basis: claim.basis },
    });
    return { ok: true, claimId: id, replay: false };
  });
}

export type KommuniceringResult =
  | { readonly ok: true; readonly id: string; readonly replay: boolean }
  | { readonly ok: false; readonly reason: 'not-found' }
  | ({ readonly ok: false; readonly reason: 'conflict' } & Conflict);

/**
 * A person tells the applicant what adverse decision is planned and why, and by when they may
 * comment (kommunicering, förvaltningslagen 25 §), before deciding. The planned amount of a
 * partial refusal is the latest calculation's. Idempotent on the client key; the letter follows.
 */
export async function sendKommunicering(
  db: Kysely<Database>,
  scope: CaseScope,
  req: {
    readonly actor: string;
    readonly role: string;
    readonly key: string;
    readonly plannedOutcome: 'delavslag' | 'avslag' | 'avvisning';
    readonly reasons: string;
    readonly dueDate: string;
  },
): Promise<KommuniceringResult> {
  return db.transaction().execute(async (tx): Promise<KommuniceringResult> => {
    const app = await lockApplication(tx, scope);
    if (!app) return { ok: false, reason: 'not-found' };
    const earlier = await tx
      .selectFrom('kommunicering')
      .select('id')
      .where('municipality_id', '=', scope.municipality)
      .where('client_key', '=', req.key)
      .executeTakeFirst();
    if (earlier) return { ok: true, id: earlier.id, replay: true };
    if (app.status !== 'needs-person')
      return { ok: false, reason: 'conflict', conflict: 'not-awaiting-person', status: app.status };
    const calc = await tx
      .selectFrom('calculation')
      .select('amount_ore')
      .where('application_id', '=', scope.id)
      .orderBy('version', 'desc')
      .executeTakeFirst();
    if (req.plannedOutcome === 'delavslag' && !calc)
      return { ok: false, reason: 'conflict', conflict: 'no-calculation' };
    const id = randomUUID();
    await tx
      .insertInto('kommunicering')
      .values({
        id,
        municipality_id: scope.municipality,
        application_id: scope.id,
        planned_outcome: req.plannedOutcome,
        amount_ore: req.plannedOutcome === 'delavslag' ? Number(calc!.amount_ore) : 0,
        reasons: req.reasons,
        due_date: req.dueDate,
        sent_by: req.actor,
        client_key: req.key,
      })
      .execute();
    // On the timeline, without changing the status: the case still waits for a person.
    await tx
      .insertInto('application_event')
      .values({
        application_id: scope.id,
        municipality_id: scope.municipality,
        status: app.status,
        actor: req.actor,
        note: JSON.stringify({ kommunicering: id, dueDate: req.dueDate }),
      })
      .execute();
    await appendAudit(tx, {
      actor: req.actor,
      role: req.role,
      municipalityId: scope.municipality,
      action: 'write',
      objectType: 'kommunicering',
      objectId: id,
      purpose: 'kommunicering-sent',
      details: { application: scope.id, plannedOutcome: req.plannedOutcome },
    });
    return { ok: true, id, replay: false };
  });
}
