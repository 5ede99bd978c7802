/**
 * Sample checks (stickprov), the shell around @tillit/domain's draw: draw a month of decisions
 * once (a fresh cryptographic seed, recorded with the eligible list), verify a recorded draw,
 * give each drawn decision a follow-up (the documents asked of the applicant, the applicant's
 * answer, the caseworker's outcome) and link a recovery claim (återkrav) made on a discrepancy.
 * Every query is scoped by municipality; every write and read of case data is in the audit log.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import {
  assertStrata,
  drawSample,
  eligibleListHash,
  sampleCheckDocuments,
  sampleStrata,
  verifyDraw,
} from '@tillit/domain';
import type { DrawVerification, EligibleDecision, RequestedDocument, Stratum } from '@tillit/domain';
import { appendAudit } from '../audit.ts';
import type { Database } from '../db/schema.ts';
import type { MunicipalitySettings } from '../municipalities.ts';
import { RECOVERY_CLAIM_BASES, currentContent, recordRecoveryClaim } from '../pipeline/manual.ts';
import { addDays, periodBounds, swedishDate, swedishMonth } from './period.ts';

type Tx = Kysely<Database> | Transaction<Database>;

/** Days the applicant has to send the documents. */
export const ANSWER_DAYS = 14;

export const SAMPLE_CHECK_OUTCOMES = ['confirmed', 'discrepancy', 'no-answer'] as const;
export type SampleCheckOutcome = (typeof SAMPLE_CHECK_OUTCOMES)[number];

export interface Actor {
  /** The person's subject (never an identity number). */
  readonly actor: string;
  readonly role: string;
}

/** Why a write was refused: the sample check or period is not in a state that allows it. */
export type SampleConflict =
  'period-not-ended' | 'outcome-recorded' | 'answered' | 'not-due' | 'already-answered' | 'closed' | 'no-discrepancy';

export interface DrawSummary {
  readonly id: string;
  readonly municipality: string;
  readonly period: string;
  readonly method: string;
  readonly seed: string;
  readonly strata: readonly Stratum[];
  readonly eligibleCount: number;
  readonly eligibleHash: string;
  readonly selectedCount: number;
  readonly drawnBy: string;
  readonly drawnAt: string;
}

/** The decisions a period's draw is made from: the municipality's decisions made in the month that grant an amount. */
export async function eligibleDecisions(
  db: Tx,
  municipality: string,
  period: string,
): Promise<(EligibleDecision & { readonly applicationId: string })[]> {
  const { start, end } = periodBounds(period);
  const rows = await db
    .selectFrom('decision')
    .select(['id', 'application_id', 'amount_ore'])
    .where('municipality_id', '=', municipality)
    .where('created_at', '>=', start)
    .where('created_at', '<', end)
    .where(sql<boolean>`amount_ore > 0`)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, applicationId: r.application_id, amountOre: Number(r.amount_ore) }));
}

export async function findDraw(db: Tx, municipality: string, period: string): Promise<DrawSummary | undefined> {
  const r = await db
    .selectFrom('sample_draw')
    .selectAll()
    .where('municipality_id', '=', municipality)
    .where('period', '=', period)
    .executeTakeFirst();
  if (!r) return undefined;
  const strata = r.strata as Stratum[];
  assertStrata(strata);
  return {
    id: r.id,
    municipality: r.municipality_id,
    period: r.period,
    method: r.method,
    seed: r.seed,
    strata,
    eligibleCount: r.eligible_count,
    eligibleHash: r.eligible_hash,
    selectedCount: r.selected_count,
    drawnBy: r.drawn_by,
    drawnAt: new Date(r.drawn_at).toISOString(),
  };
}

export async function listDraws(db: Tx, municipality: string): Promise<DrawSummary[]> {
  const periods = await db
    .selectFrom('sample_draw')
    .select('period')
    .where('municipality_id', '=', municipality)
    .orderBy('period')
    .execute();
  const out: DrawSummary[] = [];
  for (const p of periods) out.push((await findDraw(db, municipality, p.period))!);
  return out;
}

export type DrawResult =
  | { readonly ok: true; readonly replay: boolean; readonly draw: DrawSummary }
  | { readonly ok: false; readonly conflict: SampleConflict };

const CHUNK = 500;

/**
 * Draws the sample checks for a month of decisions, once: a period already drawn answers with
 * that draw. The month must have ended (so that its list of decisions is final). The seed comes
 * from the operating system's cryptographic generator and is recorded with the strata, the
 * eligible list and its hash; each selected decision gets a sample check asking the applicant
 * for the documents its application rests on. All in one transaction.
 */
export async function drawPeriod(
  db: Kysely<Database>,
  q: Actor & {
    readonly municipality: string;
    readonly period: string;
    readonly settings: Pick<MunicipalitySettings, 'sampleRateBasisPoints' | 'sampleStrata'>;
    readonly now: Date;
  },
): Promise<DrawResult> {
  const earlier = await findDraw(db, q.municipality, q.period);
  if (earlier) return { ok: true, replay: true, draw: earlier };
  if (q.period >= swedishMonth(q.now)) return { ok: false, conflict: 'period-not-ended' };
  const strata = sampleStrata(q.settings.sampleRateBasisPoints, q.settings.sampleStrata);
  return db.transaction().execute(async (tx): Promise<DrawResult> => {
    const eligible = await eligibleDecisions(tx, q.municipality, q.period);
    const seed = randomBytes(32).toString('hex');
    const drawn = drawSample({ seed, strata, eligible });
    const id = randomUUID();
    const inserted = await tx
      .insertInto('sample_draw')
      .values({
        id,
        municipality_id: q.municipality,
        period: q.period,
        method: drawn.method,
        seed,
        strata: JSON.stringify(strata),
        eligible_count: drawn.items.length,
        eligible_hash: drawn.eligibleHash,
        selected_count: drawn.selected.length,
        drawn_by: q.actor,
      })
      .onConflict((oc) => oc.columns(['municipality_id', 'period']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) {
      // Another request drew the period meanwhile: its draw stands.
      return { ok: true, replay: true, draw: (await findDraw(tx, q.municipality, q.period))! };
    }
    for (let i = 0; i < drawn.items.length; i += CHUNK)
      await tx
        .insertInto('sample_draw_item')
        .values(
          drawn.items.slice(i, i + CHUNK).map((it) => ({
            draw_id: id,
            decision_id: it.id,
            amount_ore: it.amountOre,
            stratum: it.stratum,
            selected: it.selected,
          })),
        )
        .execute();
    const applicationOf = new Map(eligible.map((e) => [e.id, e.applicationId]));
    const dueDate = addDays(swedishDate(q.now), ANSWER_DAYS);
    const checks: { id: string; application: string }[] = [];
    for (const it of drawn.items.filter((x) => x.selected)) {
      const application = applicationOf.get(it.id)!;
      const content = await currentContent(tx, { id: application, municipality: q.municipality });
      const checkId = randomUUID();
      await tx
        .insertInto('sample_check')
        .values({
          id: checkId,
          draw_id: id,
          municipality_id: q.municipality,
          decision_id: it.id,
          application_id: application,
          stratum: it.stratum,
          documents: JSON.stringify(sampleCheckDocuments(content)),
          due_date: dueDate,
          answered_at: null,
          answer_key: null,
          answer_message: null,
          outcome: null,
          outcome_note: null,
          outcome_by: null,
          recovery_claim_id: null,
        })
        .execute();
      checks.push({ id: checkId, application });
    }
    const base = { actor: q.actor, role: q.role, municipalityId: q.municipality, action: 'write' } as const;
    for (const c of checks)
      await appendAudit(tx, {
        ...base,
        objectType: 'sample-check',
        objectId: c.id,
        purpose: 'sample-check-created',
        details: { application: c.application, draw: id },
      });
    await appendAudit(tx, {
      ...base,
      objectType: 'sample-draw',
      objectId: id,
      purpose: 'sample-drawn',
      details: {
        period: q.period,
        method: drawn.method,
        eligible: drawn.items.length,
        selected: drawn.selected.length,
        eligibleHash: drawn.eligibleHash,
      },
    });
    return { ok: true, replay: false, draw: (await findDraw(tx, q.municipality, q.period))! };
  });
}

export interface DrawItemView {
  readonly decision: string;
  readonly amountOre: number;
  readonly stratum: number;
  readonly selected: boolean;
}

/** A draw's eligible list as recorded, sorted by decision id. */
export async function drawItems(db: Tx, drawId: string): Promise<DrawItemView[]> {
  const rows = await db
    .selectFrom('sample_draw_item')
    .select(['decision_id', 'amount_ore', 'stratum', 'selected'])
    .where('draw_id', '=', drawId)
    .execute();
  return rows
    .map((r) => ({
      decision: r.decision_id,
      amountOre: Number(r.amount_ore),
      stratum: r.stratum,
      selected: r.selected,
    }))
    .sort((a, b) => (a.decision < b.decision ? -1 : a.decision > b.decision ? 1 : 0));
}

export interface PeriodVerification {
  /** Everything below holds. */
  readonly ok: boolean;
  /** The recorded list hashes to the recorded hash, and re-drawing it from the recorded seed gives the recorded sample. */
  readonly redraw: DrawVerification;
  /** Exactly the selected decisions have a sample check. */
  readonly checksMatch: boolean;
  /** The decisions of the period in the database today are the recorded list (none added, removed or changed). */
  readonly decisionsUnchanged: boolean;
  readonly currentEligibleHash: string;
}

/** Re-draws a recorded period from its seed and says whether everything still matches. */
export async function verifyPeriod(
  db: Tx,
  municipality: string,
  period: string,
): Promise<{ draw: DrawSummary; verification: PeriodVerification } | undefined> {
  const draw = await findDraw(db, municipality, period);
  if (!draw) return undefined;
  const items = await drawItems(db, draw.id);
  const redraw = verifyDraw(
    {
      method: draw.method,
      seed: draw.seed,
      strata: draw.strata,
      eligibleHash: draw.eligibleHash,
      selected: items.filter((i) => i.selected).map((i) => i.decision),
    },
    items.map((i) => ({ id: i.decision, amountOre: i.amountOre })),
  );
  const checks = await db
    .selectFrom('sample_check')
    .select('decision_id')
    .where('draw_id', '=', draw.id)
    .where('municipality_id', '=', municipality)
    .execute();
  const checked = checks.map((c) => c.decision_id).sort();
  const selected = items.filter((i) => i.selected).map((i) => i.decision);
  const checksMatch = checked.length === selected.length && checked.every((id, i) => id === selected[i]);
  const currentEligibleHash = eligibleListHash(await eligibleDecisions(db, municipality, period));
  const decisionsUnchanged = currentEligibleHash === draw.eligibleHash;
  return {
    draw,
    verification: {
      ok: redraw.ok && checksMatch && decisionsUnchanged,
      redraw,
      checksMatch,
      decisionsUnchanged,
      currentEligibleHash,
    },
  };
}

/** A sample check as staff see it. */
export interface SampleCheckView {
  readonly id: string;
  readonly period: string;
  readonly decision: string;
  readonly application: string;
  readonly stratum: number;
  /** The amount decided, kronor. */
  readonly decisionAmount: number;
  readonly documents: readonly RequestedDocument[];
  readonly dueDate: string;
  readonly status: 'requested' | 'answered' | 'closed';
  readonly answer: { readonly at: string; readonly message: string; readonly documentsSent: readonly string[] } | null;
  readonly outcome: {
    readonly outcome: SampleCheckOutcome;
    /** Kronor found wrong; null unless a discrepancy. */
    readonly amount: number | null;
    readonly note: string;
    readonly by: string;
    readonly at: string;
  } | null;
  readonly recoveryClaim: string | null;
}

function checkQuery(db: Tx, municipality: string) {
  return db
    .selectFrom('sample_check as c')
    .innerJoin('sample_draw as d', 'd.id', 'c.draw_id')
    .innerJoin('decision as dec', 'dec.id', 'c.decision_id')
    .innerJoin('application as a', 'a.id', 'c.application_id')
    .where('c.municipality_id', '=', municipality)
    .select([
      'c.id',
      'd.period',
      'c.decision_id',
      'c.application_id',
      'c.stratum',
      'dec.amount_ore',
      'c.documents',
      sql<string>`to_char(c.due_date, 'YYYY-MM-DD')`.as('due_date'),
      'c.answered_at',
      'c.answer_message',
      'c.answer_documents',
      'c.outcome',
      'c.discrepancy_ore',
      'c.outcome_note',
      'c.outcome_by',
      'c.outcome_at',
      'c.recovery_claim_id',
      'a.protected_identity',
    ]);
}
type CheckRow = Awaited<ReturnType<ReturnType<typeof checkQuery>['executeTakeFirstOrThrow']>>;

function statusOf(r: Pick<CheckRow, 'outcome' | 'answered_at'>): SampleCheckView['status'] {
  return r.outcome !== null ? 'closed' : r.answered_at !== null ? 'answered' : 'requested';
}

function toView(r: CheckRow): SampleCheckView & { readonly protectedIdentity: boolean | null } {
  return {
    id: r.id,
    period: r.period,
    decision: r.decision_id,
    application: r.application_id,
    stratum: r.stratum,
    decisionAmount: Number(r.amount_ore) / 100,
    documents: r.documents as RequestedDocument[],
    dueDate: r.due_date,
    status: statusOf(r),
    answer:
      r.answered_at !== null
        ? {
            at: new Date(r.answered_at).toISOString(),
            message: r.answer_message ?? '',
            documentsSent: (r.answer_documents as string[] | null) ?? [],
          }
        : null,
    outcome:
      r.outcome !== null
        ? {
            outcome: r.outcome,
            amount: r.discrepancy_ore !== null ? Number(r.discrepancy_ore) / 100 : null,
            note: r.outcome_note ?? '',
            by: r.outcome_by ?? '',
            at: new Date(r.outcome_at!).toISOString(),
          }
        : null,
    recoveryClaim: r.recovery_claim_id,
    protectedIdentity: r.protected_identity,
  };
}

function withoutVisibility(v: SampleCheckView & { readonly protectedIdentity: boolean | null }): SampleCheckView {
  const { protectedIdentity: _p, ...view } = v;
  return view;
}

/** The municipality's sample checks (of one period, or all), oldest period first. */
export async function listChecks(db: Tx, municipality: string, period?: string) {
  let q = checkQuery(db, municipality);
  if (period !== undefined) q = q.where('d.period', '=', period);
  const rows = await q.orderBy('d.period').orderBy('c.decision_id').execute();
  return rows.map(toView);
}

export async function getCheck(db: Tx, municipality: string, id: string) {
  const r = await checkQuery(db, municipality).where('c.id', '=', id).executeTakeFirst();
  return r ? toView(r) : undefined;
}

/** Who may see a check: its application's protected identity (null until the register answered). */
export async function checkVisibility(
  db: Tx,
  municipality: string,
  id: string,
): Promise<{ readonly protectedIdentity: boolean | null } | undefined> {
  return db
    .selectFrom('sample_check as c')
    .innerJoin('application as a', 'a.id', 'c.application_id')
    .select('a.protected_identity as protectedIdentity')
    .where('c.id', '=', id)
    .where('c.municipality_id', '=', municipality)
    .executeTakeFirst();
}

export type OutcomeResult =
  | { readonly ok: true; readonly replay: boolean; readonly check: SampleCheckView }
  | { readonly ok: false; readonly reason: 'not-found' }
  | { readonly ok: false; readonly reason: 'exceeds-decision'; readonly decisionOre: number }
  | { readonly ok: false; readonly reason: 'conflict'; readonly conflict: SampleConflict };

/**
 * A caseworker records a sample check's outcome, once: confirmed, a discrepancy with the amount
 * wrongly decided (at most the decision's amount), or no answer (only when the applicant has not
 * answered and the due date has passed). The same outcome again answers as the first time.
 */
export async function recordOutcome(
  db: Kysely<Database>,
  scope: { readonly municipality: string; readonly id: string },
  req: Actor & {
    readonly outcome: SampleCheckOutcome;
    readonly discrepancyOre?: number;
    readonly note: string;
    readonly today: string;
  },
): Promise<OutcomeResult> {
  return db.transaction().execute(async (tx): Promise<OutcomeResult> => {
    const c = await tx
      .selectFrom('sample_check as c')
      .innerJoin('decision as dec', 'dec.id', 'c.decision_id')
      .select([
        'c.id',
        'c.application_id',
        'c.outcome',
        'c.discrepancy_ore',
        'c.outcome_note',
        'c.answered_at',
        sql<string>`to_char(c.due_date, 'YYYY-MM-DD')`.as('due_date'),
        'dec.amount_ore',
      ])
      .where('c.id', '=', scope.id)
      .where('c.municipality_id', '=', scope.municipality)
      .forUpdate()
      .executeTakeFirst();
    if (!c) return { ok: false, reason: 'not-found' };
    const discrepancy = req.outcome === 'discrepancy' ? (req.discrepancyOre ?? null) : null;
    if (c.outcome !== null) {
      const same =
        c.outcome === req.outcome &&
        (c.discrepancy_ore === null ? null : Number(c.discrepancy_ore)) === discrepancy &&
        c.outcome_note === req.note;
      if (!same) return { ok: false, reason: 'conflict', conflict: 'outcome-recorded' };
      const earlier = await checkQuery(tx, scope.municipality).where('c.id', '=', c.id).executeTakeFirstOrThrow();
      return { ok: true, replay: true, check: withoutVisibility(toView(earlier)) };
    }
    if (discrepancy !== null && discrepancy > Number(c.amount_ore))
      return { ok: false, reason: 'exceeds-decision', decisionOre: Number(c.amount_ore) };
    if (req.outcome === 'no-answer') {
      if (c.answered_at !== null) return { ok: false, reason: 'conflict', conflict: 'answered' };
      if (c.due_date >= req.today) return { ok: false, reason: 'conflict', conflict: 'not-due' };
    }
    await tx
      .updateTable('sample_check')
      .set({
        outcome: req.outcome,
        discrepancy_ore: discrepancy,
        outcome_note: req.note,
        outcome_by: req.actor,
        outcome_at: new Date(),
      })
      .where('id', '=', c.id)
      .where('municipality_id', '=', scope.municipality)
      .execute();
    await appendAudit(tx, {
      actor: req.actor,
      role: req.role,
      municipalityId: scope.municipality,
      action: 'write',
      objectType: 'sample-check',
      objectId: c.id,
      purpose: 'sample-check-outcome',
      details: { application: c.application_id, outcome: req.outcome },
    });
    const row = await checkQuery(tx, scope.municipality).where('c.id', '=', c.id).executeTakeFirstOrThrow();
    return { ok: true, replay: false, check: withoutVisibility(toView(row)) };
  });
}

export type ClaimResult =
  | { readonly ok: true; readonly claimId: string; readonly replay: boolean }
  | { readonly ok: false; readonly reason: 'not-found' }
  | { readonly ok: false; readonly reason: 'exceeds-discrepancy'; readonly discrepancyOre: number }
  | { readonly ok: false; readonly reason: 'conflict'; readonly conflict: SampleConflict };

/**
 * Records the recovery claim (återkrav) a discrepancy led to, through the pipeline's
 * recordRecoveryClaim (so the household's next applications are flagged), and links it to the
 * check. The claim's idempotency key is the check's, so a retry after any failure converges on
 * one claim; the amount defaults to the discrepancy and cannot exceed it.
 */
export async function claimForCheck(
  db: Kysely<Database>,
  scope: { readonly municipality: string; readonly id: string },
  req: Actor & {
    readonly amountOre?: number;
    readonly basis: (typeof RECOVERY_CLAIM_BASES)[number];
    readonly reason: string;
    readonly decidedOn: string;
  },
): Promise<ClaimResult> {
  const c = await db
    .selectFrom('sample_check')
    .select(['id', 'application_id', 'outcome', 'discrepancy_ore', 'recovery_claim_id'])
    .where('id', '=', scope.id)
    .where('municipality_id', '=', scope.municipality)
    .executeTakeFirst();
  if (!c) return { ok: false, reason: 'not-found' };
  if (c.outcome !== 'discrepancy' || c.discrepancy_ore === null)
    return { ok: false, reason: 'conflict', conflict: 'no-discrepancy' };
  if (c.recovery_claim_id !== null) return { ok: true, claimId: c.recovery_claim_id, replay: true };
  const discrepancyOre = Number(c.discrepancy_ore);
  const amountOre = req.amountOre ?? discrepancyOre;
  if (amountOre > discrepancyOre) return { ok: false, reason: 'exceeds-discrepancy', discrepancyOre };
  const out = await recordRecoveryClaim(
    db,
    { id: c.application_id, municipality: scope.municipality },
    {
      actor: req.actor,
      role: req.role,
      key: `stickprov:${c.id}`,
      amountOre,
      basis: req.basis,
      reason: req.reason,
      decidedOn: req.decidedOn,
    },
  );
  if (!out.ok) return { ok: false, reason: 'not-found' };
  await db.transaction().execute(async (tx) => {
    const linked = await tx
      .updateTable('sample_check')
      .set({ recovery_claim_id: out.claimId })
      .where('id', '=', c.id)
      .where('municipality_id', '=', scope.municipality)
      .where('recovery_claim_id', 'is', null)
      .executeTakeFirst();
    if (Number(linked.numUpdatedRows) === 1)
      await appendAudit(tx, {
        actor: req.actor,
        role: req.role,
        municipalityId: scope.municipality,
        action: 'write',
        objectType: 'sample-check',
        objectId: c.id,
        purpose: 'sample-check-recovery-claim',
        details: { application: c.application_id, recoveryClaim: out.claimId },
      });
  });
  return { ok: true, claimId: out.claimId, replay: out.replay };
}

/** The sample check on an applicant's own application, as the applicant sees it. */
export interface ApplicantSampleCheck {
  readonly id: string;
  readonly documents: readonly RequestedDocument[];
  readonly dueDate: string;
  readonly status: 'requested' | 'answered' | 'closed';
  readonly answeredAt: string | null;
  readonly documentsSent: readonly string[];
}

function applicantQuery(db: Tx, scope: { municipality: string; application: string; applicant: string }) {
  return db
    .selectFrom('sample_check as c')
    .innerJoin('application as a', 'a.id', 'c.application_id')
    .where('c.municipality_id', '=', scope.municipality)
    .where('c.application_id', '=', scope.application)
    .where('a.municipality_id', '=', scope.municipality)
    .where('a.applicant', '=', scope.applicant);
}

export async function applicantCheck(
  db: Tx,
  scope: { municipality: string; application: string; applicant: string },
): Promise<ApplicantSampleCheck | undefined> {
  const r = await applicantQuery(db, scope)
    .select([
      'c.id',
      'c.documents',
      sql<string>`to_char(c.due_date, 'YYYY-MM-DD')`.as('due_date'),
      'c.answered_at',
      'c.answer_documents',
      'c.outcome',
    ])
    .executeTakeFirst();
  if (!r) return undefined;
  return {
    id: r.id,
    documents: r.documents as RequestedDocument[],
    dueDate: r.due_date,
    status: statusOf(r),
    answeredAt: r.answered_at !== null ? new Date(r.answered_at).toISOString() : null,
    documentsSent: (r.answer_documents as string[] | null) ?? [],
  };
}

export type AnswerResult =
  | { readonly ok: true; readonly replay: boolean }
  | { readonly ok: false; readonly reason: 'not-found' }
  | { readonly ok: false; readonly reason: 'unknown-documents'; readonly indexes: readonly number[] }
  | { readonly ok: false; readonly reason: 'conflict'; readonly conflict: SampleConflict };

/**
 * The applicant answers a sample check: a message and the requested documents they say they
 * sent (the files themselves come with the citizen portal's upload). Once; idempotent on the key.
 */
export async function answerCheck(
  db: Kysely<Database>,
  scope: { municipality: string; application: string; applicant: string },
  answer: {
    readonly actor: string;
    readonly key: string;
    readonly message: string;
    readonly documentsSent: readonly string[];
  },
): Promise<AnswerResult> {
  return db.transaction().execute(async (tx): Promise<AnswerResult> => {
    const c = await applicantQuery(tx, scope)
      .select(['c.id', 'c.documents', 'c.answer_key', 'c.answered_at', 'c.outcome'])
      .forUpdate()
      .executeTakeFirst();
    if (!c) return { ok: false, reason: 'not-found' };
    if (c.answer_key === answer.key) return { ok: true, replay: true };
    if (c.outcome !== null) return { ok: false, reason: 'conflict', conflict: 'closed' };
    if (c.answered_at !== null) return { ok: false, reason: 'conflict', conflict: 'already-answered' };
    const requested = new Set((c.documents as RequestedDocument[]).map((d) => d.code));
    const unknown = answer.documentsSent.flatMap((code, i) => (requested.has(code) ? [] : [i]));
    if (unknown.length > 0) return { ok: false, reason: 'unknown-documents', indexes: unknown };
    await tx
      .updateTable('sample_check')
      .set({
        answered_at: new Date(),
        answer_key: answer.key,
        answer_message: answer.message,
        answer_documents: JSON.stringify([...new Set(answer.documentsSent)]),
      })
      .where('id', '=', c.id)
      .where('municipality_id', '=', scope.municipality)
      .execute();
    await appendAudit(tx, {
      actor: answer.actor,
      role: 'applicant',
      municipalityId: scope.municipality,
      action: 'write',
      objectType: 'sample-check',
      objectId: c.id,
      purpose: 'sample-check-answered',
      details: { application: scope.application, documents: answer.documentsSent.length },
    });
    return { ok: true, replay: false };
  });
}
