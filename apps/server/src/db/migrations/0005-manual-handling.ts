import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/**
 * A person's part of a case: every calculation kept as a numbered version (the system's first,
 * later ones by a person with a reason), a decision that points at the version it was made on
 * with the decider's own written reasons, requests to the applicant to complete the application
 * (the case waits for the applicant; the answer may carry a corrected form, the submitted
 * snapshot stays as it was), recovery claims (återkrav) against a household, and whether the
 * household has protected identity (null until the population register has answered).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table application add column protected_identity boolean`.execute(db);

  await sql`
    create table calculation (
      id uuid primary key,
      application_id uuid not null references application (id),
      municipality_id text not null references municipality (id),
      version integer not null check (version >= 1),
      receipt jsonb not null,
      amount_ore bigint not null check (amount_ore >= 0),
      proposed_outcome text not null check (proposed_outcome in ('bifall', 'delavslag', 'avslag', 'avvisning')),
      created_by text not null,
      reason text,
      created_at timestamptz not null default now(),
      unique (application_id, version),
      check (version = 1 or reason is not null)
    )`.execute(db);

  await sql`alter table decision add column calculation_id uuid references calculation (id)`.execute(db);
  await sql`alter table decision add column statement text`.execute(db);

  await sql`
    create table completion_request (
      id bigint generated always as identity primary key,
      application_id uuid not null references application (id),
      municipality_id text not null references municipality (id),
      requested_by text not null,
      message text not null,
      items jsonb not null,
      due_date date not null,
      requested_at timestamptz not null default now(),
      answered_at timestamptz,
      answer_key text,
      answer_message text,
      answer_content jsonb,
      check ((answered_at is null) = (answer_key is null))
    )`.execute(db);
  // At most one open request per application.
  await sql`
    create unique index completion_request_one_open on completion_request (application_id)
    where answered_at is null`.execute(db);

  await sql`
    create table recovery_claim (
      id uuid primary key,
      municipality_id text not null references municipality (id),
      -- The household, by its applicant's personnummer: secret, never logged.
      applicant text not null,
      application_id uuid references application (id),
      amount_ore bigint not null check (amount_ore > 0),
      basis text not null check (basis in ('sol-9-1', 'sol-9-2')),
      reason text not null,
      decided_on date not null,
      created_by text not null,
      client_key text not null,
      created_at timestamptz not null default now(),
      unique (municipality_id, client_key)
    )`.execute(db);
  await sql`create index recovery_claim_household on recovery_claim (municipality_id, applicant, decided_on)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table recovery_claim`.execute(db);
  await sql`drop table completion_request`.execute(db);
  await sql`alter table decision drop column statement`.execute(db);
  await sql`alter table decision drop column calculation_id`.execute(db);
  await sql`drop table calculation`.execute(db);
  await sql`alter table application drop column protected_identity`.execute(db);
}
