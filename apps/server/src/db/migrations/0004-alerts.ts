import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/** Alerts for people: e.g. an application not decided within the municipality's time limit. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table alert (
      id bigint generated always as identity primary key,
      municipality_id text not null references municipality (id),
      application_id uuid not null references application (id),
      kind text not null check (kind in ('decision-overdue')),
      created_at timestamptz not null default now(),
      resolved_at timestamptz,
      unique (application_id, kind)
    )`.execute(db);
  await sql`create index alert_open on alert (municipality_id) where resolved_at is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table alert`.execute(db);
}
