/**
 * Late cases: an application not decided within its municipality's time limit
 * (settings.decisionTimeLimitHours) raises an alert for the caseworkers; a decision resolves it.
 */
import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Municipalities } from '../municipalities.ts';

const OPEN_STATUSES = ['received', 'collecting', 'assessing', 'needs-person', 'waiting-applicant'] as const;

/** Raises an alert for every overdue application that has none yet; returns how many were raised. */
export async function raiseOverdueAlerts(
  db: Kysely<Database>,
  municipalities: Municipalities,
  now = new Date(),
): Promise<number> {
  let raised = 0;
  for (const m of municipalities.values()) {
    const cutoff = new Date(now.getTime() - m.settings.decisionTimeLimitHours * 3_600_000);
    const r = await sql`
      insert into alert (municipality_id, application_id, kind)
      select municipality_id, id, 'decision-overdue' from application
      where municipality_id = ${m.id} and status in (${sql.join([...OPEN_STATUSES])})
        and submitted_at < ${cutoff}
      on conflict (application_id, kind) do nothing`.execute(db);
    raised += Number(r.numAffectedRows ?? 0n);
  }
  return raised;
}

/** Resolves an application's open alerts (when it is decided). */
export async function resolveAlerts(
  db: Kysely<Database> | Transaction<Database>,
  applicationId: string,
): Promise<void> {
  await db
    .updateTable('alert')
    .set({ resolved_at: new Date() })
    .where('application_id', '=', applicationId)
    .where('resolved_at', 'is', null)
    .execute();
}
