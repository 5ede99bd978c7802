/**
 * The pipeline worker: takes jobs from the durable queue in the database (row locks with SKIP
 * LOCKED, so several workers can share one PostgreSQL), collects the authorities' data, runs the
 * checks and the rule book, and decides or hands the case to a person — all final writes in one
 * transaction, so a crash leaves no half decision and the job is simply taken again.
 */
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit.ts';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { previousMonth, proposedOutcome, route, runChecks } from '@tillit/domain';
import type { ApplicationContent, Evidence } from '@tillit/domain';
import type { CalculationResult, Msg, RuleBook } from '@tillit/rules';
import type { Database } from '../db/schema.ts';
import type { Municipalities } from '../municipalities.ts';
import { resolveAlerts } from './alerts.ts';
import { recordStatus } from './applications.ts';
import { currentContent, hasRecentRecoveryClaim, recordCalculation } from './manual.ts';
import { calculateForm } from './calculate-form.ts';

export interface ClaimedJob {
  readonly id: string;
  readonly applicationId: string;
  readonly municipality: string;
  readonly attempts: number;
}

export type CollectOutcome =
  | { readonly ok: true; readonly evidence: Evidence }
  | { readonly ok: false; readonly waitingFor: readonly string[]; readonly detail: string };

export interface CollectRequest {
  readonly applicationId: string;
  readonly municipality: string;
  readonly month: string;
  readonly content: ApplicationContent;
}

export interface PipelineDeps {
  readonly db: Kysely<Database>;
  /** The rule book in force (it changes when administrators confirm a year's values). */
  readonly rulebook: () => RuleBook;
  readonly municipalities: () => Municipalities;
  /** Fetches (and stores as evidence) the authorities' data; says what it is waiting for if a source is down. */
  readonly collect: (req: CollectRequest) => Promise<CollectOutcome>;
  readonly workerId: string;
  /** How long a claimed job stays locked; a crashed worker's job is taken again after it. */
  readonly lockSeconds?: number;
  /** Delay before retrying a job whose sources were unavailable. */
  readonly retryDelayMs?: (attempts: number) => number;
}

const DEFAULT_RETRY = (attempts: number) => Math.min(60_000, 1_000 * 2 ** Math.min(attempts, 6));

/** Claims the next due job, or undefined. */
export async function claimNext(deps: PipelineDeps): Promise<ClaimedJob | undefined> {
  const lock = deps.lockSeconds ?? 60;
  const r = await sql<{ id: string; application_id: string; municipality_id: string; attempts: number }>`
    update job set attempts = attempts + 1, locked_by = ${deps.workerId},
      locked_until = now() + make_interval(secs => ${lock})
    where id = (
      select id from job
      where done_at is null and run_at <= now() and (locked_until is null or locked_until < now())
      order by run_at, id
      limit 1
      for update skip locked)
    returning id, application_id, municipality_id, attempts`.execute(deps.db);
  const row = r.rows[0];
  return (
    row && {
      id: String(row.id),
      applicationId: row.application_id,
      municipality: row.municipality_id,
      attempts: row.attempts,
    }
  );
}

export type ProcessOutcome = 'decided' | 'needs-person' | 'waiting' | 'already-done';

/** Told with every automated decision (Förvaltningslagen 28 §, GDPR art. 22). */
export const AUTOMATED_DECISION_NOTICE: Msg = {
  sv: 'Beslutet är fattat automatiskt enligt nämndens delegation. Du har rätt att få beslutet prövat av en handläggare: svara på beslutet eller kontakta oss, så går en person igenom ärendet. Du kan också överklaga beslutet.',
  en: "The decision was made automatically under the committee's delegation. You have the right to have it reviewed by a caseworker: reply to the decision or contact us and a person will go through the case. You may also appeal the decision.",
};

const NOT_CALCULABLE: Msg = {
  sv: 'Regelboken saknar belopp för månaden; ansökan kan inte räknas automatiskt.',
  en: 'The rule book lacks amounts for the month; the application cannot be calculated automatically.',
};

async function parametersConfirmed(deps: PipelineDeps, rulebook: RuleBook, month: string): Promise<boolean> {
  const row = await deps.db
    .selectFrom('rulebook_confirmation')
    .select('id')
    .where('year', '=', Number(month.slice(0, 4)))
    .where('rulebook_hash', '=', rulebook.hash)
    .executeTakeFirst();
  return row !== undefined;
}

/** Processes one claimed job to its next resting state. Safe to run again after a crash. */
export async function processJob(deps: PipelineDeps, job: ClaimedJob): Promise<ProcessOutcome> {
  const { db } = deps;
  const scope = { id: job.applicationId, municipality: job.municipality };
  const app = await db
    .selectFrom('application')
    .selectAll()
    .where('id', '=', job.applicationId)
    .where('municipality_id', '=', job.municipality)
    .executeTakeFirstOrThrow();
  if (app.status !== 'received' && app.status !== 'collecting' && app.status !== 'assessing') {
    await db.updateTable('job').set({ done_at: new Date(), locked_until: null }).where('id', '=', job.id).execute();
    return 'already-done';
  }
  // The form as it stands: the submitted snapshot, or the applicant's latest corrected form.
  const content = await currentContent(db, scope);
  if (app.status === 'received') await recordStatus(db, scope, 'collecting', 'system');

  const collected = await deps.collect({
    applicationId: app.id,
    municipality: app.municipality_id,
    month: app.month,
    content,
  });
  if (!collected.ok) {
    // Never decide on missing data: wait, and try again later by ourselves.
    const delay = (deps.retryDelayMs ?? DEFAULT_RETRY)(job.attempts);
    await db
      .updateTable('job')
      .set({ run_at: new Date(Date.now() + delay), locked_until: null, locked_by: null, last_error: collected.detail })
      .where('id', '=', job.id)
      .execute();
    if (job.attempts === 1)
      await db
        .insertInto('application_event')
        .values({
          application_id: app.id,
          municipality_id: app.municipality_id,
          status: 'collecting',
          actor: 'system',
          note: JSON.stringify({ waitingFor: collected.waitingFor }),
        })
        .execute();
    return 'waiting';
  }

  if (app.status !== 'assessing') await recordStatus(db, scope, 'assessing', 'system');
  const municipality = deps.municipalities().get(app.municipality_id);
  if (!municipality) throw new Error(`unknown municipality ${app.municipality_id}`);
  const month = app.month;
  const controlMonth = previousMonth(month);

  let calculation: CalculationResult | undefined;
  let notCalculable: Msg | undefined;
  // One rule book for the whole job: the calculation and the confirmation check agree.
  const rulebook = deps.rulebook();
  const calculated = calculateForm(rulebook, municipality, content, month);
  if (calculated.ok) calculation = calculated.result;
  else
    notCalculable =
      calculated.reason === 'invalid-form'
        ? { sv: 'Ansökan kunde inte räknas.', en: 'The application could not be calculated.' }
        : NOT_CALCULABLE;

  const previousRow = await db
    .selectFrom('application')
    .select('snapshot')
    .where('municipality_id', '=', app.municipality_id)
    .where('applicant', '=', app.applicant)
    .where('id', '!=', app.id)
    .where('snapshot', 'is not', null)
    .where('month', '<', month)
    .orderBy('month', 'desc')
    .executeTakeFirst();

  const checks = calculation
    ? runChecks({
        kind: app.kind,
        month,
        controlMonth,
        comparisonMonth: previousMonth(controlMonth),
        municipalityCode: municipality.code,
        incomeChangeThresholdBasisPoints: municipality.settings.incomeChangeThresholdBasisPoints,
        content,
        evidence: collected.evidence,
        ...(previousRow?.snapshot ? { previous: previousRow.snapshot as ApplicationContent } : {}),
        duplicates: app.duplicate_of ? 1 : 0,
        recentRecoveryClaim: await hasRecentRecoveryClaim(db, {
          municipality: app.municipality_id,
          applicant: app.applicant,
          month,
        }),
        calculation,
      })
    : [];
  const routed = calculation
    ? route({
        policy: municipality.settings.decisionPolicy,
        checks,
        calculation,
        parametersConfirmed: await parametersConfirmed(deps, rulebook, month),
      })
    : undefined;

  return db.transaction().execute(async (tx) => {
    const locked = await tx
      .selectFrom('application')
      .select('status')
      .where('id', '=', app.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (locked.status !== 'received' && locked.status !== 'collecting' && locked.status !== 'assessing') {
      await tx.updateTable('job').set({ done_at: new Date(), locked_until: null }).where('id', '=', job.id).execute();
      return 'already-done' as const;
    }
    await tx
      .updateTable('application')
      .set({ protected_identity: collected.evidence.register.protectedIdentity })
      .where('id', '=', app.id)
      .execute();
    for (const c of checks.filter((x) => x.outcome !== 'pass')) {
      const text = JSON.stringify(c.text);
      // A flag that had resolved itself, or that a person acknowledged for other facts (its text
      // differs), opens again; one acknowledged for the same facts stays acknowledged.
      await tx
        .insertInto('flag')
        .values({
          application_id: app.id,
          municipality_id: app.municipality_id,
          check_id: c.check,
          outcome: c.outcome === 'block' ? 'block' : 'flag',
          text,
          closed_at: null,
          closed_by: null,
          close_note: null,
        })
        .onConflict((oc) =>
          oc
            .columns(['application_id', 'check_id'])
            .doUpdateSet({ status: 'open', text, closed_at: null, closed_by: null, close_note: null })
            .where((eb) => eb.or([eb('flag.status', '=', 'resolved'), eb('flag.text', '!=', sql`${text}::jsonb`)])),
        )
        .execute();
    }
    // Flags that resolve themselves (their check passes now) close with a record.
    const passed = checks.filter((x) => x.outcome === 'pass').map((x) => x.check);
    if (passed.length > 0)
      await tx
        .updateTable('flag')
        .set({
          status: 'resolved',
          closed_at: new Date(),
          closed_by: 'system',
          close_note: JSON.stringify({
            sv: 'Kontrollen godkändes vid ny prövning.',
            en: 'The check passed when run again.',
          }),
        })
        .where('application_id', '=', app.id)
        .where('status', '=', 'open')
        .where('check_id', 'in', passed)
        .execute();
    // The receipt is stored with the calculation and with a decision: serialized once.
    const receiptJson = calculation ? JSON.stringify(calculation.receipt) : undefined;
    const calculationId = calculation
      ? await recordCalculation(tx, scope, {
          receiptJson: receiptJson!,
          amountOre: calculation.receipt.totals.amount,
          proposedOutcome: proposedOutcome(calculation),
          createdBy: 'system',
        })
      : null;
    let outcome: ProcessOutcome;
    if (routed?.route === 'decide' && calculation) {
      const decisionId = randomUUID();
      await tx
        .insertInto('decision')
        .values({
          id: decisionId,
          calculation_id: calculationId,
          application_id: app.id,
          municipality_id: app.municipality_id,
          outcome: routed.outcome,
          amount_ore: routed.amountOre,
          automated: true,
          decided_by: `system (delegation: ${municipality.name})`,
          reasons: JSON.stringify([...routed.reasons, AUTOMATED_DECISION_NOTICE]),
          receipt: receiptJson!,
        })
        .execute();
      await recordStatus(tx, scope, 'decided', 'system', { outcome: routed.outcome, amountOre: routed.amountOre });
      await resolveAlerts(tx, app.id);
      // On record like a person's decision, with the rule book it was made under.
      await appendAudit(tx, {
        actor: 'system',
        role: 'system',
        municipalityId: app.municipality_id,
        action: 'write',
        objectType: 'decision',
        objectId: decisionId,
        purpose: 'automated-decision',
        details: { application: app.id, outcome: routed.outcome, rulebookHash: rulebook.hash },
      });
      outcome = 'decided';
    } else {
      const reasons = routed?.reasons ?? [notCalculable ?? NOT_CALCULABLE];
      await recordStatus(tx, scope, 'needs-person', 'system', {
        reasons,
        ...(routed?.route === 'person' ? { proposal: routed.proposal } : {}),
      });
      outcome = 'needs-person';
    }
    await tx.updateTable('job').set({ done_at: new Date(), locked_until: null }).where('id', '=', job.id).execute();
    return outcome;
  });
}

/** Runs jobs until `signal` aborts; sleeps `idleMs` when the queue is empty. */
export async function runWorker(
  deps: PipelineDeps,
  opts: { signal: AbortSignal; idleMs?: number; onError?: (e: unknown) => void },
): Promise<void> {
  while (!opts.signal.aborted) {
    let job: ClaimedJob | undefined;
    try {
      job = await claimNext(deps);
      if (job) await processJob(deps, job);
    } catch (e) {
      opts.onError?.(e);
      if (job) {
        await deps.db
          .updateTable('job')
          .set({
            locked_until: null,
            last_error: String((e as Error).message).slice(0, 500),
            run_at: new Date(Date.now() + 5_000),
          })
          .where('id', '=', job.id)
          .execute()
          .catch(() => undefined);
      }
    }
    if (!job) await new Promise((r) => setTimeout(r, opts.idleMs ?? 200));
  }
}
