import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/**
 * Who works on a case: a caseworker takes a case from a queue (assignment), so two people do not
 * work on the same case without knowing; the queues read cases by municipality and status.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table application add column assigned_to text`.execute(db);
  await sql`alter table application add column assigned_name text`.execute(db);
  await sql`alter table application add column assigned_at timestamptz`.execute(db);
  await sql`alter table application add constraint application_assignment
    check ((assigned_to is null) = (assigned_at is null))`.execute(db);
  await sql`create index application_queue on application (municipality_id, status, submitted_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index application_queue`.execute(db);
  await sql`alter table application drop constraint application_assignment`.execute(db);
  await sql`alter table application drop column assigned_at`.execute(db);
  await sql`alter table application drop column assigned_name`.execute(db);
  await sql`alter table application drop column assigned_to`.execute(db);
}
