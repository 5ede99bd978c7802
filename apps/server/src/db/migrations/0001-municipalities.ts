import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/** Municipalities (tenants): identity, host–partner relation, settings and guidelines. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table municipality (
      id text primary key check (id ~ '^[a-z0-9-]{1,60}$'),
      name text not null check (length(name) between 1 and 200),
      code text not null unique check (code ~ '^[0-9]{4}$'),
      host_id text references municipality (id),
      settings jsonb not null,
      guidelines jsonb not null default '[]',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (host_id is null or host_id <> id)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table municipality`.execute(db);
}
