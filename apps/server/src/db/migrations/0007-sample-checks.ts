import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/**
 * Sample checks (stickprov). A draw per municipality and month of decisions (at most one: drawing
 * again gives the same draw) records its method, seed, strata and the hash of the eligible list,
 * and keeps the list itself (decision, amount, band, selected) so that anyone can draw again and
 * compare; neither can change once written. Each selected decision gets a sample check: the
 * documents asked of the applicant, the applicant's answer, and the caseworker's outcome
 * (confirmed, discrepancy with the amount, no answer), with a recovery claim it may have led to.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table sample_draw (
      id uuid primary key,
      municipality_id text not null references municipality (id),
      period text not null check (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      method text not null,
      seed text not null check (seed ~ '^[0-9a-f]{64}$'),
      strata jsonb not null,
      eligible_count integer not null check (eligible_count >= 0),
      eligible_hash text not null check (eligible_hash ~ '^[0-9a-f]{64}$'),
      selected_count integer not null check (selected_count >= 0 and selected_count <= eligible_count),
      drawn_by text not null,
      drawn_at timestamptz not null default now(),
      unique (municipality_id, period)
    )`.execute(db);

  await sql`
    create table sample_draw_item (
      draw_id uuid not null references sample_draw (id),
      decision_id uuid not null references decision (id),
      amount_ore bigint not null check (amount_ore >= 0),
      stratum integer not null check (stratum >= 0),
      selected boolean not null,
      primary key (draw_id, decision_id)
    )`.execute(db);

  await sql`
    create function sample_draw_immutable() returns trigger language plpgsql as $$
    begin
      raise exception 'a recorded sample draw cannot change';
    end $$`.execute(db);
  for (const t of ['sample_draw', 'sample_draw_item'])
    await sql`
      create trigger ${sql.raw(`${t}_immutable`)} before update or delete on ${sql.table(t)}
      for each row execute function sample_draw_immutable()`.execute(db);

  await sql`
    create table sample_check (
      id uuid primary key,
      draw_id uuid not null references sample_draw (id),
      municipality_id text not null references municipality (id),
      decision_id uuid not null unique references decision (id),
      application_id uuid not null references application (id),
      stratum integer not null check (stratum >= 0),
      documents jsonb not null,
      due_date date not null,
      created_at timestamptz not null default now(),
      answered_at timestamptz,
      answer_key text,
      answer_message text,
      answer_documents jsonb,
      outcome text check (outcome in ('confirmed', 'discrepancy', 'no-answer')),
      discrepancy_ore bigint check (discrepancy_ore > 0),
      outcome_note text,
      outcome_by text,
      outcome_at timestamptz,
      recovery_claim_id uuid references recovery_claim (id),
      check ((answered_at is null) = (answer_key is null)),
      check ((outcome is null) = (outcome_at is null)),
      check ((outcome = 'discrepancy') = (discrepancy_ore is not null)),
      check (outcome <> 'no-answer' or answered_at is null),
      check (recovery_claim_id is null or outcome = 'discrepancy')
    )`.execute(db);
  await sql`create index sample_check_draw on sample_check (draw_id)`.execute(db);
  await sql`create index sample_check_application on sample_check (municipality_id, application_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table sample_check`.execute(db);
  await sql`drop table sample_draw_item`.execute(db);
  await sql`drop table sample_draw`.execute(db);
  await sql`drop function sample_draw_immutable`.execute(db);
}
