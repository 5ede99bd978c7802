import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/**
 * Browser sign-in (OIDC authorization code flow with PKCE, the server as the client): a login in
 * progress (state, nonce and PKCE verifier, one use, ten minutes) and the signed-in session. Only
 * the SHA-256 of each cookie's random value is stored, so a copy of the database cannot be used
 * to sign in. The session keeps the verified token's claims (the principal), a CSRF token, an
 * idle and an absolute expiry, and how it ended.
 *
 * Also the applicant's chosen language on the application, so letters follow it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table web_login (
      id text primary key check (id ~ '^[0-9a-f]{64}$'),
      state text not null,
      nonce text not null,
      code_verifier text not null,
      return_to text not null check (return_to ~ '^/'),
      lang text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    )`.execute(db);
  await sql`
    create table web_session (
      id text primary key check (id ~ '^[0-9a-f]{64}$'),
      subject text not null,
      claims jsonb not null,
      csrf_token text not null,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      idle_expires_at timestamptz not null,
      absolute_expires_at timestamptz not null,
      ended_at timestamptz,
      end_reason text check (end_reason in ('logout', 'idle', 'absolute')),
      check ((ended_at is null) = (end_reason is null))
    )`.execute(db);
  await sql`create index web_session_live on web_session (absolute_expires_at) where ended_at is null`.execute(db);
  await sql`
    alter table application add column lang text not null default 'sv'
      check (lang in ('sv', 'en', 'ar', 'so', 'ti', 'prs', 'uk'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table application drop column lang`.execute(db);
  await sql`drop table web_session`.execute(db);
  await sql`drop table web_login`.execute(db);
}
