import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/**
 * Indexes for the staff workspace's look-ups (issue 6):
 * - customer service finds a person among the adults and children of submitted applications
 *   (`snapshot -> 'household' -> 'adults' @> [{"personnummer": …}]`, customer-service/lookup.ts);
 * - auditors page through a municipality's audit log newest first and search it by case
 *   (`details ->> 'application'`, audit/log-search.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index application_household_adults on application
    using gin ((snapshot -> 'household' -> 'adults') jsonb_path_ops)`.execute(db);
  await sql`
    create index application_household_children on application
    using gin ((snapshot -> 'household' -> 'children') jsonb_path_ops)`.execute(db);
  await sql`create index audit_log_municipality_id on audit_log (municipality_id, id)`.execute(db);
  await sql`create index audit_log_application on audit_log ((details ->> 'application'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of [
    'audit_log_application',
    'audit_log_municipality_id',
    'application_household_children',
    'application_household_adults',
  ])
    await sql`drop index ${sql.ref(index)}`.execute(db);
}
