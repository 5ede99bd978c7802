import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/**
 * Applications and their processing: the submitted snapshot (immutable), status history, the
 * authorities' data as evidence, flags, decisions (at most one per application) and the durable
 * job queue the workers take work from with SKIP LOCKED.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table application (
      id uuid primary key,
      municipality_id text not null references municipality (id),
      applicant text not null,
      kind text not null check (kind in ('new', 'renewal', 'supplementary')),
      month text not null check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      status text not null check (status in ('draft', 'received', 'collecting', 'assessing', 'decided',
        'needs-person', 'waiting-applicant', 'withdrawn')),
      draft jsonb,
      snapshot jsonb,
      client_key text,
      duplicate_of uuid references application (id),
      submitted_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (municipality_id, applicant, client_key)
    )`.execute(db);
  await sql`create index application_household_month on application (municipality_id, applicant, month)`.execute(db);
  await sql`create index application_status on application (municipality_id, status)`.execute(db);
  await sql`
    create function application_snapshot_immutable() returns trigger language plpgsql as $$
    begin
      if old.snapshot is not null and new.snapshot is distinct from old.snapshot then
        raise exception 'a submitted application''s snapshot cannot change';
      end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger application_snapshot_immutable before update on application
    for each row execute function application_snapshot_immutable()`.execute(db);

  await sql`
    create table application_event (
      id bigint generated always as identity primary key,
      application_id uuid not null references application (id),
      municipality_id text not null references municipality (id),
      at timestamptz not null default now(),
      status text not null,
      actor text not null,
      note jsonb
    )`.execute(db);
  await sql`create index application_event_application on application_event (application_id, id)`.execute(db);

  await sql`
    create table evidence (
      id bigint generated always as identity primary key,
      application_id uuid not null references application (id),
      municipality_id text not null references municipality (id),
      source text not null,
      fetched_at timestamptz not null default now(),
      data jsonb not null,
      unique (application_id, source)
    )`.execute(db);

  await sql`
    create table flag (
      id bigint generated always as identity primary key,
      application_id uuid not null references application (id),
      municipality_id text not null references municipality (id),
      check_id text not null,
      outcome text not null check (outcome in ('flag', 'block')),
      text jsonb not null,
      status text not null default 'open' check (status in ('open', 'acknowledged', 'resolved')),
      created_at timestamptz not null default now(),
      closed_at timestamptz,
      closed_by text,
      close_note jsonb,
      unique (application_id, check_id)
    )`.execute(db);

  await sql`
    create table decision (
      id uuid primary key,
      application_id uuid not null unique references application (id),
      municipality_id text not null references municipality (id),
      outcome text not null check (outcome in ('bifall', 'delavslag', 'avslag', 'avvisning')),
      amount_ore bigint not null check (amount_ore >= 0),
      automated boolean not null,
      decided_by text not null,
      reasons jsonb not null,
      receipt jsonb not null,
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table job (
      id bigint generated always as identity primary key,
      municipality_id text not null references municipality (id),
      application_id uuid not null references application (id),
      run_at timestamptz not null default now(),
      attempts integer not null default 0,
      locked_by text,
      locked_until timestamptz,
      last_error text,
      done_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index job_ready on job (run_at) where done_at is null`.execute(db);

  // An administrator's confirmation that a year's rule-book amounts (as of one rule-book hash)
  // may be used for automated decisions although they are not all verified. A second
  // administrator co-signs (issue 6 builds the screens; the demo seed confirms with a note).
  await sql`
    create table rulebook_confirmation (
      id bigint generated always as identity primary key,
      year integer not null check (year between 2000 and 2100),
      rulebook_hash text not null check (rulebook_hash ~ '^[0-9a-f]{64}$'),
      confirmed_by text not null,
      second_by text not null check (second_by <> confirmed_by),
      note text not null,
      confirmed_at timestamptz not null default now(),
      unique (year, rulebook_hash)
    )`.execute(db);
  await sql`create unique index job_one_open_per_application on job (application_id) where done_at is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['rulebook_confirmation', 'job', 'decision', 'flag', 'evidence', 'application_event', 'application'])
    await sql`drop table ${sql.table(t)}`.execute(db);
  await sql`drop function application_snapshot_immutable`.execute(db);
}
