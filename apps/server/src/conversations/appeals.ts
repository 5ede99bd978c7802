/**
 * Appeals (överklagande) lodged online. The applicant lodges the appeal with the municipality
 * that decided (förvaltningslagen (2017:900) 43 §), at most one per decision; it is judged at
 * lodging against the deadline counted from the day the applicant was notified (44 §, see
 * deadline.ts) and kept even when late, for a person to rule on (45 §). A caseworker then records
 * what the municipality did: changed its decision as asked (omprövning), forwarded the appeal to
 * the förvaltningsrätt (46 §), or rejected it as late (45 §, only a late one). Each write runs in
 * one transaction with its timeline event and audit entry; every query is scoped by municipality.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit.ts';
import type { Database } from '../db/schema.ts';
import type { AppealStatus } from '../db/schema-conversations.ts';
import { swedishDate } from '../swedish-time.ts';
import { appealTiming } from './deadline.ts';
import { addTimelineEvent, lockSubmitted } from './scope.ts';
import type { CaseScope, Tx } from './scope.ts';

export const APPEAL_STATUSES = [
  'received',
  'omprövning-changed',
  'forwarded',
  'rejected-late',
  'withdrawn',
] as const satisfies readonly AppealStatus[];

/** What a caseworker may record on a received appeal. */
export const APPEAL_OUTCOMES = ['omprövning-changed', 'forwarded', 'rejected-late'] as const;
export type AppealOutcome = (typeof APPEAL_OUTCOMES)[number];

/** Why a write on an appeal was refused. */
export type AppealConflict = 'not-decided' | 'already-appealed' | 'already-handled' | 'not-late';

/** An appeal as stored, dates as YYYY-MM-DD and instants as ISO strings. */
export interface AppealRecord {
  readonly id: string;
  readonly applicationId: string;
  readonly decisionId: string;
  readonly status: AppealStatus;
  readonly lodgedAt: string;
  readonly notifiedOn: string;
  readonly notifiedBy: 'letter' | 'decision';
  readonly deadline: string;
  readonly withinDeadline: boolean;
  readonly reasons: string;
  readonly requestedChange: string | null;
  /** The day the applicant says they received the decision, if they said (YYYY-MM-DD). */
  readonly receivedOn: string | null;
  readonly handledBy: string | null;
  readonly handledAt: string | null;
  readonly note: string | null;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function selectAppeals(db: Tx, municipality: string) {
  return db
    .selectFrom('appeal')
    .select([
      'id',
      'application_id',
      'decision_id',
      'status',
      'lodged_at',
      sql<string>`to_char(notified_on, 'YYYY-MM-DD')`.as('notified_on'),
      'notified_by',
      sql<string>`to_char(deadline, 'YYYY-MM-DD')`.as('deadline'),
      'within_deadline',
      'reasons',
      'requested_change',
      sql<string | null>`to_char(received_on, 'YYYY-MM-DD')`.as('received_on'),
      'handled_by',
      'handled_at',
      'note',
    ])
    .where('municipality_id', '=', municipality);
}

type AppealRow = Awaited<ReturnType<ReturnType<typeof selectAppeals>['executeTakeFirstOrThrow']>>;

function toRecord(r: AppealRow): AppealRecord {
  return {
    id: r.id,
    applicationId: r.application_id,
    decisionId: r.decision_id,
    status: r.status,
    lodgedAt: iso(r.lodged_at)!,
    notifiedOn: r.notified_on,
    notifiedBy: r.notified_by,
    deadline: r.deadline,
    withinDeadline: r.within_deadline,
    reasons: r.reasons,
    requestedChange: r.requested_change,
    receivedOn: r.received_on,
    handledBy: r.handled_by,
    handledAt: iso(r.handled_at),
    note: r.note,
  };
}

/** The appeal of an application, if there is one. */
export async function appealOf(db: Tx, scope: CaseScope): Promise<AppealRecord | undefined> {
  const r = await selectAppeals(db, scope.municipality).where('application_id', '=', scope.id).executeTakeFirst();
  return r ? toRecord(r) : undefined;
}

/**
 * The day (in Sweden) the applicant was notified of a decision: the earliest delivery of its
 * decision letter (an inbox delivery counts from the letter's issue), else the day of the
 * decision itself. Never later than the applicant could know of it, so a deadline counted from it
 * is never later than the law's.
 */
export async function notificationOf(
  db: Tx,
  municipality: string,
  decision: { readonly id: string; readonly createdAt: Date },
): Promise<{ readonly notifiedOn: string; readonly notifiedBy: 'letter' | 'decision' }> {
  const letter = await db
    .selectFrom('delivery as d')
    .innerJoin('letter as l', 'l.id', 'd.letter_id')
    .select(sql<Date | string | null>`min(coalesce(d.delivered_at, l.created_at))`.as('at'))
    .where('l.municipality_id', '=', municipality)
    .where('d.municipality_id', '=', municipality)
    .where('l.kind', '=', 'decision')
    .where('l.source_id', '=', decision.id)
    .where('d.status', '=', 'delivered')
    .executeTakeFirst();
  return letter?.at != null
    ? { notifiedOn: swedishDate(new Date(letter.at)), notifiedBy: 'letter' }
    : { notifiedOn: swedishDate(decision.createdAt), notifiedBy: 'decision' };
}

export type AppealResult =
  | { readonly ok: true; readonly appeal: AppealRecord; readonly replay: boolean }
  | { readonly ok: false; readonly reason: 'not-found' }
  | { readonly ok: false; readonly reason: 'conflict'; readonly conflict: AppealConflict };

/**
 * The applicant lodges an appeal of the decision on their application. Idempotent on the client
 * key; a second appeal of the same decision is a conflict. A late appeal is kept, marked late.
 */
export async function lodgeAppeal(
  db: Kysely<Database>,
  scope: CaseScope & { readonly applicant: string },
  req: {
    /** The applicant's subject. */
    readonly actor: string;
    readonly key: string;
    readonly reasons: string;
    readonly requestedChange: string | null;
    readonly receivedOn: string | null;
    readonly now: Date;
  },
): Promise<AppealResult> {
  return db.transaction().execute(async (tx): Promise<AppealResult> => {
    // The lock serializes the applicant's concurrent attempts.
    if (!(await lockSubmitted(tx, scope, scope.applicant))) return { ok: false, reason: 'not-found' };
    const replayed = await selectAppeals(tx, scope.municipality)
      .where('application_id', '=', scope.id)
      .where('idempotency_key', '=', req.key)
      .executeTakeFirst();
    if (replayed) return { ok: true, appeal: toRecord(replayed), replay: true };
    const decision = await tx
      .selectFrom('decision')
      .select(['id', 'created_at'])
      .where('application_id', '=', scope.id)
      .where('municipality_id', '=', scope.municipality)
      .executeTakeFirst();
    if (!decision) return { ok: false, reason: 'conflict', conflict: 'not-decided' };
    const earlier = await tx
      .selectFrom('appeal')
      .select('id')
      .where('decision_id', '=', decision.id)
      .where('municipality_id', '=', scope.municipality)
      .executeTakeFirst();
    if (earlier) return { ok: false, reason: 'conflict', conflict: 'already-appealed' };

    const notified = await notificationOf(tx, scope.municipality, {
      id: decision.id,
      createdAt: new Date(decision.created_at),
    });
    const { deadline, withinDeadline } = appealTiming(notified.notifiedOn, swedishDate(req.now));
    const id = randomUUID();
    await tx
      .insertInto('appeal')
      .values({
        id,
        municipality_id: scope.municipality,
        application_id: scope.id,
        decision_id: decision.id,
        lodged_at: req.now,
        reasons: req.reasons,
        requested_change: req.requestedChange,
        received_on: req.receivedOn,
        notified_on: notified.notifiedOn,
        notified_by: notified.notifiedBy,
        deadline,
        within_deadline: withinDeadline,
        idempotency_key: req.key,
      })
      .execute();
    await addTimelineEvent(tx, scope, 'applicant', { event: 'appeal-lodged', appeal: id, withinDeadline, deadline });
    await appendAudit(tx, {
      actor: req.actor,
      role: 'applicant',
      municipalityId: scope.municipality,
      action: 'write',
      objectType: 'appeal',
      objectId: id,
      purpose: 'appeal-lodged',
      details: { application: scope.id, decision: decision.id, withinDeadline },
    });
    const stored = await selectAppeals(tx, scope.municipality).where('id', '=', id).executeTakeFirstOrThrow();
    return { ok: true, appeal: toRecord(stored), replay: false };
  });
}

/** The municipality's appeals, oldest first; households with protected identity only for staff with the claim. */
export async function appealQueue(
  db: Tx,
  municipality: string,
  filter: { readonly status?: AppealStatus; readonly protectedIdentityAccess: boolean },
): Promise<AppealRecord[]> {
  let q = selectAppeals(db, municipality);
  // Fail-closed: a household whose register answer is not in yet (null) counts as protected.
  if (!filter.protectedIdentityAccess)
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('application as a')
          .select('a.id')
          .whereRef('a.id', '=', 'appeal.application_id')
          .where('a.municipality_id', '=', municipality)
          .where('a.protected_identity', '=', false),
      ),
    );
  if (filter.status !== undefined) q = q.where('status', '=', filter.status);
  const rows = await q.orderBy('lodged_at').orderBy('id').execute();
  return rows.map(toRecord);
}

/** Whose case an appeal is on: its application and whether that has protected identity (null: not yet known). */
export async function appealCase(
  db: Tx,
  municipality: string,
  appealId: string,
): Promise<{ readonly applicationId: string; readonly protectedIdentity: boolean | null } | undefined> {
  return db
    .selectFrom('appeal')
    .innerJoin('application', 'application.id', 'appeal.application_id')
    .select(['appeal.application_id as applicationId', 'application.protected_identity as protectedIdentity'])
    .where('appeal.id', '=', appealId)
    .where('appeal.municipality_id', '=', municipality)
    .where('application.municipality_id', '=', municipality)
    .executeTakeFirst();
}

/**
 * A caseworker records what the municipality did with a received appeal. Rejection as late only
 * for a late appeal (45 §; a late appeal may also be forwarded, e.g. when an exception of 45 §
 * applies). The same outcome again answers as the first time; another one is a conflict.
 */
export async function recordAppealOutcome(
  db: Kysely<Database>,
  scope: { readonly municipality: string; readonly appealId: string },
  req: { readonly actor: string; readonly role: string; readonly outcome: AppealOutcome; readonly note: string },
): Promise<AppealResult> {
  return db.transaction().execute(async (tx): Promise<AppealResult> => {
    const a = await selectAppeals(tx, scope.municipality)
      .where('id', '=', scope.appealId)
      .forUpdate()
      .executeTakeFirst();
    if (!a) return { ok: false, reason: 'not-found' };
    if (a.status !== 'received') {
      if (a.status === req.outcome) return { ok: true, appeal: toRecord(a), replay: true };
      return { ok: false, reason: 'conflict', conflict: 'already-handled' };
    }
    if (req.outcome === 'rejected-late' && a.within_deadline)
      return { ok: false, reason: 'conflict', conflict: 'not-late' };
    await tx
      .updateTable('appeal')
      .set({ status: req.outcome, handled_by: req.actor, handled_at: new Date(), note: req.note })
      .where('id', '=', scope.appealId)
      .where('municipality_id', '=', scope.municipality)
      .execute();
    await addTimelineEvent(tx, { municipality: scope.municipality, id: a.application_id }, req.actor, {
      event: 'appeal-handled',
      appeal: a.id,
      outcome: req.outcome,
    });
    await appendAudit(tx, {
      actor: req.actor,
      role: req.role,
      municipalityId: scope.municipality,
      action: 'write',
      objectType: 'appeal',
      objectId: a.id,
      purpose: 'appeal-handled',
      details: { application: a.application_id, outcome: req.outcome },
    });
    const stored = await selectAppeals(tx, scope.municipality)
      .where('id', '=', scope.appealId)
      .executeTakeFirstOrThrow();
    return { ok: true, appeal: toRecord(stored), replay: false };
  });
}
