import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/**
 * The audit log: one row per read or write of case data, append-only and hash-chained (see
 * src/audit.ts for how entries are hashed and appended). Each row's hash covers the previous row's
 * hash, so altering, deleting or inserting a row breaks the chain from that row on.
 *
 * The database enforces append-only itself: a trigger rejects every UPDATE, DELETE and TRUNCATE,
 * and `prev_hash` is unique, so two entries can never follow the same predecessor (the chain cannot
 * fork, even if someone appends without the advisory lock). Privileges: UPDATE, DELETE and TRUNCATE
 * are revoked from PUBLIC. The table's owner can still re-grant them or disable the trigger, so in
 * production run the server as a role that does not own the schema and has only SELECT and INSERT
 * on audit_log (plus USAGE on its identity sequence).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table audit_log (
      id bigint generated always as identity primary key,
      at timestamptz not null,
      actor text not null check (length(actor) between 1 and 200),
      role text not null check (length(role) between 1 and 100),
      municipality_id text check (length(municipality_id) between 1 and 60),
      action text not null check (action in ('read', 'write')),
      object_type text not null check (length(object_type) between 1 and 100),
      object_id text check (length(object_id) between 1 and 200),
      purpose text not null check (length(purpose) between 1 and 100),
      details jsonb not null default '{}' check (jsonb_typeof(details) = 'object'),
      prev_hash text not null unique check (prev_hash ~ '^[0-9a-f]{64}$'),
      hash text not null unique check (hash ~ '^[0-9a-f]{64}$')
    )`.execute(db);
  await sql`create index audit_log_municipality_at on audit_log (municipality_id, at)`.execute(db);
  await sql`create index audit_log_object on audit_log (object_type, object_id)`.execute(db);
  await sql`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only: % is not allowed', tg_op
        using errcode = 'insufficient_privilege';
    end
    $$`.execute(db);
  await sql`
    create trigger audit_log_append_only
      before update or delete or truncate on audit_log
      for each statement execute function audit_log_append_only()`.execute(db);
  await sql`revoke update, delete, truncate on audit_log from public`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table audit_log`.execute(db);
  await sql`drop function audit_log_append_only()`.execute(db);
}
