import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/**
 * How an application was sent, for the anonymous service metrics (digital share): `web` from the
 * citizen web (a browser session), `api` with a bearer token (another client, or staff entering a
 * paper application for the person). Set at submission; null before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table application add column channel text check (channel in ('web', 'api'))`.execute(db);
  await sql`create index application_created on application (municipality_id, created_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index application_created`.execute(db);
  await sql`alter table application drop column channel`.execute(db);
}
