/**
 * A caseworker adjusts one cost or income of a case that waits for a person, with a mandatory
 * reason: the adjusted form is calculated with the rule book exactly as the pipeline worker does
 * and recorded as the case's next calculation version (the earlier versions are kept, the
 * submitted snapshot never changes). An adjustment that moves the case's amount by more than the
 * municipality's threshold needs a second caseworker (four eyes) before anyone decides on its
 * version; a rejection is followed by a version that restores the calculation adjusted.
 *
 * Adjustments accumulate along the chain of versions: each stores the whole form its version was
 * calculated from, and the next adjustment starts from the form of the latest version (see
 * contentOfVersion). A version the pipeline makes (after the applicant sends a corrected form)
 * starts again from the applicant's form. Every write locks the application, appends to the audit
 * log and is idempotent; every query is scoped by municipality. Rules: docs/adjustments.md.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import { proposedOutcome } from '@tillit/domain';
import type { ApplicationContent } from '@tillit/domain';
import { kronorToOre, oreToKronor } from '@tillit/rules';
import type { CalculationResult, Msg, RuleBook } from '@tillit/rules';
import { appendAudit } from '../audit.ts';
import type { Database } from '../db/schema.ts';
import type { Municipality } from '../municipalities.ts';
import { calculateForm } from './calculate-form.ts';
import { currentContent, recordCalculation } from './manual.ts';
import type { CaseScope, Conflict } from './manual.ts';

type Tx = Kysely<Database> | Transaction<Database>;

export const ADJUSTMENT_KINDS = ['cost', 'income'] as const;
export type AdjustmentKind = (typeof ADJUSTMENT_KINDS)[number];

/**
 * approved: in effect (by a second caseworker, or needing none); awaiting-second: its version
 * cannot be decided yet; rejected: never in effect, a later version restored the one adjusted.
 */
export const ADJUSTMENT_STATUSES = ['approved', 'awaiting-second', 'rejected'] as const;
export type AdjustmentStatus = (typeof ADJUSTMENT_STATUSES)[number];

/** One item's new amount: every item of the kind, type (and, for an income, person) becomes one. */
export interface AdjustmentChange {
  readonly kind: AdjustmentKind;
  readonly type: string;
  /** Whose income (a0, a1, c0, …); omitted for a household income and for every cost. */
  readonly person?: string;
  /** The new monthly amount in öre; 0 removes the item. */
  readonly amountOre: number;
}

/** An adjustment as the API shows it; amounts in kronor. */
export interface AdjustmentView {
  readonly id: string;
  readonly kind: AdjustmentKind;
  readonly type: string;
  readonly person: string | null;
  /** The item's amount before; null when the form did not have it. */
  readonly from: number | null;
  /** The item's amount after; 0: removed. */
  readonly to: number;
  readonly reason: string;
  readonly madeBy: string;
  readonly madeAt: string;
  readonly basedOnVersion: number;
  readonly calculationVersion: number;
  /** The case's amount on the version adjusted, and on the new version. */
  readonly previousAmount: number;
  readonly amount: number;
  readonly needsSecond: boolean;
  readonly status: AdjustmentStatus;
  readonly approvedBy: string | null;
  readonly approvedAt: string | null;
  readonly rejectedBy: string | null;
  readonly rejectedAt: string | null;
  readonly rejectionNote: string | null;
  /** After a rejection: the version that restored the calculation adjusted. */
  readonly restoredVersion: number | null;
  /** The pipeline calculated the case again from the applicant's form after this version. */
  readonly superseded: boolean;
}

/** A field of the request the adjustment cannot be made with. */
export interface AdjustmentProblem {
  readonly field: 'person' | 'amount';
  readonly code: 'unknown-person' | 'unchanged';
  readonly msg: Msg;
}

export type AdjustmentResult =
  | { readonly ok: true; readonly replay: boolean; readonly adjustment: AdjustmentView }
  | { readonly ok: false; readonly reason: 'not-found' }
  | { readonly ok: false; readonly reason: 'invalid'; readonly problems: readonly AdjustmentProblem[] }
  | { readonly ok: false; readonly reason: 'not-calculable' }
  | ({ readonly ok: false; readonly reason: 'conflict' } & Conflict);

export interface AdjustmentDeps {
  readonly db: Kysely<Database>;
  readonly rulebook: RuleBook;
  readonly municipality: Municipality;
}

interface Actor {
  /** The caseworker's subject (never an identity number). */
  readonly actor: string;
  readonly role: string;
}

const sumOre = (amounts: readonly number[]): number => amounts.reduce((s, a) => s + kronorToOre(a)!, 0);

/**
 * The form with one change applied (pure): the matching items are replaced, where the first of
 * them stood, by one item of the new amount, or removed at 0; a new item goes last. `fromOre` is
 * the matching items' total before, null when there were none.
 */
export function applyAdjustment(
  content: ApplicationContent,
  change: AdjustmentChange,
): { readonly content: ApplicationContent; readonly fromOre: number | null } {
  const amount = oreToKronor(change.amountOre);
  if (change.kind === 'cost') {
    const matches = (c: ApplicationContent['costs'][number]) => c.type === change.type;
    const found = content.costs.filter(matches);
    const item = { type: change.type as ApplicationContent['costs'][number]['type'], amount };
    return {
      content: { ...content, costs: replaceItems(content.costs, matches, change.amountOre > 0 ? item : undefined) },
      fromOre: found.length > 0 ? sumOre(found.map((c) => c.amount)) : null,
    };
  }
  const matches = (i: ApplicationContent['incomes'][number]) => i.type === change.type && i.person === change.person;
  const found = content.incomes.filter(matches);
  const item = {
    type: change.type as ApplicationContent['incomes'][number]['type'],
    ...(change.person !== undefined ? { person: change.person } : {}),
    amount,
  };
  return {
    content: { ...content, incomes: replaceItems(content.incomes, matches, change.amountOre > 0 ? item : undefined) },
    fromOre: found.length > 0 ? sumOre(found.map((i) => i.amount)) : null,
  };
}

function replaceItems<T>(items: readonly T[], matches: (item: T) => boolean, item: T | undefined): T[] {
  const at = items.findIndex(matches);
  const kept = items.filter((x) => !matches(x));
  if (item === undefined) return kept;
  if (at < 0) return [...kept, item];
  // Items before the first match stay before it: it is the first match's place in `kept`.
  const before = items.slice(0, at).filter((x) => !matches(x)).length;
  return [...kept.slice(0, before), item, ...kept.slice(before)];
}

/** Whether a person id (a0, a1, c0, …) names a member of the form's household. */
function inHousehold(content: ApplicationContent, person: string): boolean {
  const n = Number(person.slice(1));
  return person.startsWith('a') ? n < content.household.adults.length : n < content.household.children.length;
}

/** Calculates a form with the rule book as the pipeline worker does; undefined when it cannot. */
function calculated(
  deps: Pick<AdjustmentDeps, 'rulebook' | 'municipality'>,
  content: ApplicationContent,
  month: string,
): CalculationResult | undefined {
  const out = calculateForm(deps.rulebook, deps.municipality, content, month);
  return out.ok ? out.result : undefined;
}

/**
 * The form a calculation version was calculated from: an adjustment's stored form; for a version
 * that restored one after a rejection, the form of the version it restored; for the pipeline's own
 * versions, the form as it stands (the snapshot or the applicant's latest corrected form).
 */
export async function contentOfVersion(tx: Tx, scope: CaseScope, calculationId: string): Promise<ApplicationContent> {
  for (let id = calculationId; ;) {
    // A version is made by at most one adjustment, or restores after at most one rejection.
    const row = await tx
      .selectFrom('adjustment')
      .select(['calculation_id', 'content', 'base_calculation_id'])
      .where('application_id', '=', scope.id)
      .where('municipality_id', '=', scope.municipality)
      .where((eb) => eb.or([eb('calculation_id', '=', id), eb('restored_calculation_id', '=', id)]))
      .executeTakeFirst();
    if (!row) return currentContent(tx, scope);
    if (row.calculation_id === id) return row.content as ApplicationContent;
    id = row.base_calculation_id;
  }
}

async function lockCase(tx: Transaction<Database>, scope: CaseScope) {
  return tx
    .selectFrom('application')
    .select(['status', 'month'])
    .where('id', '=', scope.id)
    .where('municipality_id', '=', scope.municipality)
    .forUpdate()
    .executeTakeFirst();
}

/** Runs `fn` in one transaction with the application locked (a retry or a race never does anything twice). */
function inLockedCase(
  deps: AdjustmentDeps,
  scope: CaseScope,
  fn: (tx: Transaction<Database>, app: { status: string; month: string }) => Promise<AdjustmentResult>,
): Promise<AdjustmentResult> {
  return deps.db.transaction().execute(async (tx): Promise<AdjustmentResult> => {
    const app = await lockCase(tx, scope);
    return app ? fn(tx, app) : { ok: false, reason: 'not-found' };
  });
}

/** Records a calculation as the case's next version, made by a person with a reason; returns its id. */
function recordVersion(
  tx: Transaction<Database>,
  scope: CaseScope,
  calculation: CalculationResult,
  by: { readonly createdBy: string; readonly reason: string },
): Promise<string> {
  return recordCalculation(tx, scope, {
    receiptJson: JSON.stringify(calculation.receipt),
    amountOre: calculation.receipt.totals.amount,
    proposedOutcome: proposedOutcome(calculation),
    ...by,
  });
}

async function latestCalculation(tx: Tx, scope: CaseScope) {
  return tx
    .selectFrom('calculation')
    .select(['id', 'version', 'amount_ore'])
    .where('application_id', '=', scope.id)
    .where('municipality_id', '=', scope.municipality)
    .orderBy('version', 'desc')
    .executeTakeFirst();
}

function statusOf(a: { needs_second: boolean; approved_at: unknown; rejected_at: unknown }): AdjustmentStatus {
  if (a.rejected_at) return 'rejected';
  return !a.needs_second || a.approved_at ? 'approved' : 'awaiting-second';
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** A case's adjustments, oldest first (or the one with `id`). */
export async function listAdjustments(db: Tx, scope: CaseScope, id?: string): Promise<AdjustmentView[]> {
  let q = db
    .selectFrom('adjustment as a')
    .innerJoin('calculation as c', 'c.id', 'a.calculation_id')
    .innerJoin('calculation as b', 'b.id', 'a.base_calculation_id')
    .leftJoin('calculation as r', 'r.id', 'a.restored_calculation_id')
    .select([
      'a.id',
      'a.kind',
      'a.type',
      'a.person',
      'a.from_amount_ore',
      'a.to_amount_ore',
      'a.reason',
      'a.made_by',
      'a.made_at',
      'a.needs_second',
      'a.approved_by',
      'a.approved_at',
      'a.rejected_by',
      'a.rejected_at',
      'a.rejection_note',
      'b.version as base_version',
      'b.amount_ore as base_amount_ore',
      'c.version',
      'c.amount_ore',
      'r.version as restored_version',
    ])
    .where('a.application_id', '=', scope.id)
    .where('a.municipality_id', '=', scope.municipality);
  if (id !== undefined) q = q.where('a.id', '=', id);
  const [rows, pipeline] = await Promise.all([
    q.orderBy('c.version').execute(),
    db
      .selectFrom('calculation')
      .select(sql<number | null>`max(version)`.as('version'))
      .where('application_id', '=', scope.id)
      .where('municipality_id', '=', scope.municipality)
      .where('created_by', '=', 'system')
      .executeTakeFirst(),
  ]);
  const lastPipelineVersion = Number(pipeline?.version ?? 0);
  return rows.map((a) => ({
    id: a.id,
    kind: a.kind,
    type: a.type,
    person: a.person,
    from: a.from_amount_ore === null ? null : Number(a.from_amount_ore) / 100,
    to: Number(a.to_amount_ore) / 100,
    reason: a.reason,
    madeBy: a.made_by,
    madeAt: new Date(a.made_at).toISOString(),
    basedOnVersion: a.base_version,
    calculationVersion: a.version,
    previousAmount: Number(a.base_amount_ore) / 100,
    amount: Number(a.amount_ore) / 100,
    needsSecond: a.needs_second,
    status: statusOf(a),
    approvedBy: a.approved_by,
    approvedAt: iso(a.approved_at),
    rejectedBy: a.rejected_by,
    rejectedAt: iso(a.rejected_at),
    rejectionNote: a.rejection_note,
    restoredVersion: a.restored_version ?? null,
    superseded: lastPipelineVersion > a.version,
  }));
}

async function viewOf(tx: Tx, scope: CaseScope, id: string): Promise<AdjustmentView> {
  const [view] = await listAdjustments(tx, scope, id);
  return view!;
}

/** A retry answers with what was done the first time; it reads the adjustment, so it is logged as a read. */
async function replayed(tx: Tx, scope: CaseScope, who: Actor, id: string): Promise<AdjustmentResult> {
  await appendAudit(tx, {
    actor: who.actor,
    role: who.role,
    municipalityId: scope.municipality,
    action: 'read',
    objectType: 'adjustment',
    objectId: id,
    purpose: 'adjustment-replay',
    details: { application: scope.id },
  });
  return { ok: true, replay: true, adjustment: await viewOf(tx, scope, id) };
}

export interface AdjustmentRequest extends Actor, AdjustmentChange {
  /** The client's Idempotency-Key: a retry answers with the adjustment already made. */
  readonly key: string;
  readonly reason: string;
  /** The calculation version adjusted: it must be the case's latest. */
  readonly basedOnVersion: number;
}

/** A caseworker adjusts a cost or an income: a new calculation version, needing a second person above the threshold. */
export async function makeAdjustment(
  deps: AdjustmentDeps,
  scope: CaseScope,
  req: AdjustmentRequest,
): Promise<AdjustmentResult> {
  return inLockedCase(deps, scope, async (tx, app) => {
    const earlier = await tx
      .selectFrom('adjustment')
      .select('id')
      .where('application_id', '=', scope.id)
      .where('municipality_id', '=', scope.municipality)
      .where('client_key', '=', req.key)
      .executeTakeFirst();
    if (earlier) return replayed(tx, scope, req, earlier.id);
    if (app.status !== 'needs-person')
      return { ok: false, reason: 'conflict', conflict: 'not-awaiting-person', status: app.status };
    const latest = await latestCalculation(tx, scope);
    if (!latest) return { ok: false, reason: 'conflict', conflict: 'no-calculation' };
    if (latest.version !== req.basedOnVersion)
      return { ok: false, reason: 'conflict', conflict: 'stale-calculation', latest: latest.version };
    const pending = await tx
      .selectFrom('adjustment')
      .select('id')
      .where('calculation_id', '=', latest.id)
      .where('municipality_id', '=', scope.municipality)
      .where('needs_second', '=', true)
      .where('approved_at', 'is', null)
      .executeTakeFirst();
    if (pending) return { ok: false, reason: 'conflict', conflict: 'awaiting-second-approval' };

    const base = await contentOfVersion(tx, scope, latest.id);
    if (req.person !== undefined && !inHousehold(base, req.person))
      return {
        ok: false,
        reason: 'invalid',
        problems: [
          {
            field: 'person',
            code: 'unknown-person',
            msg: {
              sv: `Hushållet har ingen person ${req.person} (a0, a1 för vuxna; c0, c1 … för barn).`,
              en: `The household has no person ${req.person} (a0, a1 for adults; c0, c1 … for children).`,
            },
          },
        ],
      };
    const applied = applyAdjustment(base, req);
    if ((applied.fromOre ?? 0) === req.amountOre)
      return {
        ok: false,
        reason: 'invalid',
        problems: [
          {
            field: 'amount',
            code: 'unchanged',
            msg: {
              sv: 'Beloppet är redan detsamma i beräkningen; justeringen ändrar ingenting.',
              en: 'The amount is already the same in the calculation; the adjustment changes nothing.',
            },
          },
        ],
      };
    const calculation = calculated(deps, applied.content, app.month);
    if (!calculation) return { ok: false, reason: 'not-calculable' };
    const amountOre = calculation.receipt.totals.amount;
    const needsSecond =
      Math.abs(amountOre - Number(latest.amount_ore)) > deps.municipality.settings.fourEyesThresholdKronor * 100;
    const calculationId = await recordVersion(tx, scope, calculation, { createdBy: req.actor, reason: req.reason });
    const id = randomUUID();
    await tx
      .insertInto('adjustment')
      .values({
        id,
        municipality_id: scope.municipality,
        application_id: scope.id,
        calculation_id: calculationId,
        base_calculation_id: latest.id,
        kind: req.kind,
        type: req.type,
        person: req.person ?? null,
        from_amount_ore: applied.fromOre,
        to_amount_ore: req.amountOre,
        reason: req.reason,
        content: JSON.stringify(applied.content),
        made_by: req.actor,
        needs_second: needsSecond,
        client_key: req.key,
      })
      .execute();
    await appendAudit(tx, {
      actor: req.actor,
      role: req.role,
      municipalityId: scope.municipality,
      action: 'write',
      objectType: 'adjustment',
      objectId: id,
      purpose: 'adjustment-made',
      details: { application: scope.id, basedOnVersion: latest.version, kind: req.kind, needsSecond },
    });
    return { ok: true, replay: false, adjustment: await viewOf(tx, scope, id) };
  });
}

export interface ReviewRequest extends Actor {
  readonly adjustmentId: string;
  readonly outcome: 'approved' | 'rejected';
  /** Why it was rejected (required for a rejection). */
  readonly note?: string;
}

/**
 * A second caseworker approves or rejects an adjustment that needs one (never its maker). A
 * rejection records a new version that restores the calculation adjusted, so the case can be
 * decided again. Repeating one's own review answers as the first time.
 */
export async function reviewAdjustment(
  deps: AdjustmentDeps,
  scope: CaseScope,
  req: ReviewRequest,
): Promise<AdjustmentResult> {
  return inLockedCase(deps, scope, async (tx, app) => {
    const adj = await tx
      .selectFrom('adjustment as a')
      .innerJoin('calculation as c', 'c.id', 'a.calculation_id')
      .select([
        'a.id',
        'a.made_by',
        'a.needs_second',
        'a.approved_by',
        'a.approved_at',
        'a.rejected_by',
        'a.rejected_at',
        'a.base_calculation_id',
        'c.version',
      ])
      .where('a.id', '=', req.adjustmentId)
      .where('a.application_id', '=', scope.id)
      .where('a.municipality_id', '=', scope.municipality)
      .executeTakeFirst();
    if (!adj) return { ok: false, reason: 'not-found' };
    const reviewedBy = req.outcome === 'approved' ? adj.approved_by : adj.rejected_by;
    if (reviewedBy === req.actor) return replayed(tx, scope, req, adj.id);
    const status = statusOf(adj);
    if (status !== 'awaiting-second') return { ok: false, reason: 'conflict', conflict: 'adjustment-reviewed', status };
    if (adj.made_by === req.actor) return { ok: false, reason: 'conflict', conflict: 'same-person' };
    if (app.status !== 'needs-person')
      return { ok: false, reason: 'conflict', conflict: 'not-awaiting-person', status: app.status };
    const latest = await latestCalculation(tx, scope);
    if (latest?.version !== adj.version)
      return { ok: false, reason: 'conflict', conflict: 'stale-calculation', latest: latest?.version ?? 0 };

    if (req.outcome === 'approved') {
      await tx
        .updateTable('adjustment')
        .set({ approved_by: req.actor, approved_at: new Date() })
        .where('id', '=', adj.id)
        .where('municipality_id', '=', scope.municipality)
        .execute();
    } else {
      const base = await tx
        .selectFrom('calculation')
        .select('version')
        .where('id', '=', adj.base_calculation_id)
        .executeTakeFirstOrThrow();
      const calculation = calculated(deps, await contentOfVersion(tx, scope, adj.base_calculation_id), app.month);
      if (!calculation) return { ok: false, reason: 'not-calculable' };
      const restoredId = await recordVersion(tx, scope, calculation, {
        createdBy: req.actor,
        reason: `Justeringen i version ${adj.version} avslogs av en andra handläggare; beräkningen i version ${base.version} gäller igen.`,
      });
      await tx
        .updateTable('adjustment')
        .set({
          rejected_by: req.actor,
          rejected_at: new Date(),
          rejection_note: req.note ?? '',
          restored_calculation_id: restoredId,
        })
        .where('id', '=', adj.id)
        .where('municipality_id', '=', scope.municipality)
        .execute();
    }
    await appendAudit(tx, {
      actor: req.actor,
      role: req.role,
      municipalityId: scope.municipality,
      action: 'write',
      objectType: 'adjustment',
      objectId: adj.id,
      purpose: req.outcome === 'approved' ? 'adjustment-approved' : 'adjustment-rejected',
      details: { application: scope.id, calculationVersion: adj.version },
    });
    return { ok: true, replay: false, adjustment: await viewOf(tx, scope, adj.id) };
  });
}
