/**
 * Anonymous service metrics for a municipality and period, for the follow-up of the citizen
 * service: applications started and completed, the time from start to submission, the step where
 * unfinished applications stopped, and the digital share. Only counts and durations leave the
 * database: no identity, no application id. A cell with fewer than five applications is shown as
 * null (suppressed), so a small municipality's numbers cannot point at a person.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/** Counts below this are suppressed (null). */
export const SMALL_CELL = 5;
/** A draft untouched this long counts as dropped. */
const ABANDONED_AFTER = '24 hours';

export interface ServiceMetrics {
  readonly from: string;
  readonly to: string;
  readonly started: number | null;
  readonly completed: number | null;
  /** Completed of started, 0–1, among the applications started in the period. */
  readonly completionRate: number | null;
  readonly byKind: readonly { kind: string; started: number | null; completed: number | null }[];
  /** Minutes from starting (the draft) to submission, among the applications completed in the period. */
  readonly minutesToComplete: { readonly median: number | null; readonly p90: number | null };
  /** Where applications started in the period and untouched for a day stopped: the furthest step reached. */
  readonly dropOff: readonly { step: string; count: number | null }[];
  /** Submissions through the citizen web, of all submissions in the period. */
  readonly digital: { readonly web: number | null; readonly other: number | null; readonly share: number | null };
  readonly suppressedBelow: number;
}

const cell = (n: number) => (n < SMALL_CELL ? null : n);

export async function serviceMetrics(
  db: Kysely<Database>,
  municipality: string,
  period: { from: string; to: string },
): Promise<ServiceMetrics> {
  // The period is whole days in Swedish time: [from 00:00, to + 1 day 00:00).
  const start = sql<Date>`(${period.from}::date)::timestamp at time zone 'Europe/Stockholm'`;
  const end = sql<Date>`((${period.to}::date + 1)::timestamp) at time zone 'Europe/Stockholm'`;
  const started = await db
    .selectFrom('application')
    .select(['kind', sql<number>`count(*)::int`.as('started'), sql<number>`count(submitted_at)::int`.as('completed')])
    .where('municipality_id', '=', municipality)
    .where('created_at', '>=', start)
    .where('created_at', '<', end)
    .groupBy('kind')
    .orderBy('kind')
    .execute();
  const completedRows = await db
    .selectFrom('application')
    .select([
      sql<
        number | null
      >`percentile_cont(0.5) within group (order by extract(epoch from submitted_at - created_at) / 60)`.as('median'),
      sql<
        number | null
      >`percentile_cont(0.9) within group (order by extract(epoch from submitted_at - created_at) / 60)`.as('p90'),
      sql<number>`count(*)::int`.as('n'),
      sql<number>`count(*) filter (where channel = 'web')::int`.as('web'),
    ])
    .where('municipality_id', '=', municipality)
    .where('submitted_at', '>=', start)
    .where('submitted_at', '<', end)
    .executeTakeFirstOrThrow();
  const dropped = await db
    .selectFrom('application')
    .select([
      sql<string>`coalesce(draft -> 'ui' ->> 'step', 'start')`.as('step'),
      sql<number>`count(*)::int`.as('count'),
    ])
    .where('municipality_id', '=', municipality)
    .where('status', '=', 'draft')
    .where('created_at', '>=', start)
    .where('created_at', '<', end)
    .where('updated_at', '<', sql<Date>`now() - ${ABANDONED_AFTER}::interval`)
    .groupBy(sql`coalesce(draft -> 'ui' ->> 'step', 'start')`)
    .orderBy('count', 'desc')
    .execute();

  const totalStarted = started.reduce((a, r) => a + r.started, 0);
  const totalCompleted = started.reduce((a, r) => a + r.completed, 0);
  const n = completedRows.n;
  const round = (x: number | null) => (x === null ? null : Math.round(Number(x) * 10) / 10);
  return {
    from: period.from,
    to: period.to,
    started: cell(totalStarted),
    completed: cell(totalCompleted),
    completionRate: totalStarted >= SMALL_CELL ? Math.round((totalCompleted / totalStarted) * 1000) / 1000 : null,
    byKind: started.map((r) => ({ kind: r.kind, started: cell(r.started), completed: cell(r.completed) })),
    minutesToComplete:
      n >= SMALL_CELL
        ? { median: round(completedRows.median), p90: round(completedRows.p90) }
        : { median: null, p90: null },
    dropOff: dropped.map((r) => ({ step: r.step, count: cell(r.count) })),
    digital: {
      web: cell(completedRows.web),
      other: cell(n - completedRows.web),
      share: n >= SMALL_CELL ? Math.round((completedRows.web / n) * 1000) / 1000 : null,
    },
    suppressedBelow: SMALL_CELL,
  };
}
