import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/**
 * The labour-market track (issue 6): participants, meeting notes, the labour-market plan (every
 * version kept), enrolment in measures and exits (avslut). Tenant column on every table, and every
 * reference carries it (composite foreign keys), so a row can never point into another
 * municipality's data.
 *
 * A participant is a person (the applicant) in a municipality: an id that stands for the
 * personnummer, so that no identity number is ever in a URL or the audit log. A trigger adds the
 * participant when an application is submitted (submitted_at set), whatever code path submits it;
 * existing submissions are added here. Whether an exit counts (the three-month rule) is not
 * stored: it is derived from exits and applications when read (@tillit/domain exits.ts).
 * Meeting notes, plan versions and exits are never changed (a trigger refuses updates; deleting
 * stays possible for the retention rules); a measure changes once, when it ends.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table labour_market_participant (
      id uuid primary key,
      municipality_id text not null references municipality (id),
      -- The person's personnummer: secret, never logged or put in a URL.
      applicant text not null,
      created_at timestamptz not null default now(),
      unique (municipality_id, applicant),
      unique (id, municipality_id)
    )`.execute(db);
  await sql`
    create function labour_market_participant_on_submit() returns trigger language plpgsql as $$
    begin
      insert into labour_market_participant (id, municipality_id, applicant)
      values (gen_random_uuid(), new.municipality_id, new.applicant)
      on conflict (municipality_id, applicant) do nothing;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger labour_market_participant_on_submit
    after insert or update of submitted_at on application
    for each row when (new.submitted_at is not null)
    execute function labour_market_participant_on_submit()`.execute(db);
  await sql`
    insert into labour_market_participant (id, municipality_id, applicant, created_at)
    select gen_random_uuid(), municipality_id, applicant, min(submitted_at)
    from application where submitted_at is not null
    group by municipality_id, applicant`.execute(db);

  await sql`
    create function labour_market_unchanging() returns trigger language plpgsql as $$
    begin
      raise exception '% rows are never changed: add a new one', tg_table_name;
    end $$`.execute(db);

  // Meeting notes: the coach's journal of a meeting, one entry per note, never changed. An entry
  // may also record the meeting's outcome (held / no-show), which the meeting's status then shows.
  await sql`alter table meeting add constraint meeting_id_municipality unique (id, municipality_id)`.execute(db);
  // A slot has at most one meeting that is booked or has taken place (held / no-show): a slot whose
  // meeting was held is never booked again.
  await sql`create unique index meeting_slot_taken on meeting (slot_id) where status in ('booked', 'held', 'no-show')`.execute(
    db,
  );
  await sql`
    create table meeting_note (
      id uuid primary key,
      municipality_id text not null references municipality (id),
      meeting_id uuid not null,
      outcome text check (outcome in ('held', 'no-show')),
      text text not null check (length(text) between 1 and 4000),
      written_by text not null,
      written_by_name text,
      -- The coach's Idempotency-Key: a retried note is written once.
      client_key text not null,
      created_at timestamptz not null default now(),
      foreign key (meeting_id, municipality_id) references meeting (id, municipality_id),
      unique (meeting_id, client_key)
    )`.execute(db);
  await sql`create index meeting_note_meeting on meeting_note (municipality_id, meeting_id, created_at)`.execute(db);

  // The labour-market plan: goals and activities with dates. Each change is a new version.
  await sql`
    create table labour_market_plan (
      id uuid primary key,
      municipality_id text not null references municipality (id),
      participant_id uuid not null,
      version integer not null check (version >= 1),
      -- ["goal", …]
      goals jsonb not null check (jsonb_typeof(goals) = 'array' and jsonb_array_length(goals) <= 20),
      -- [{ "what": "…", "startsOn": "YYYY-MM-DD", "endsOn": "YYYY-MM-DD" | null }, …]
      activities jsonb not null check (jsonb_typeof(activities) = 'array' and jsonb_array_length(activities) <= 50),
      created_by text not null,
      created_by_name text,
      client_key text not null,
      created_at timestamptz not null default now(),
      foreign key (participant_id, municipality_id) references labour_market_participant (id, municipality_id),
      unique (participant_id, version),
      unique (participant_id, client_key)
    )`.execute(db);

  // Enrolment in a labour-market measure (insats): type, provider, dates; ended once.
  await sql`
    create table labour_market_measure (
      id uuid primary key,
      municipality_id text not null references municipality (id),
      participant_id uuid not null,
      type text not null check (type in ('job-search', 'work-preparation', 'work-placement',
        'subsidised-employment', 'education', 'sfi', 'other')),
      provider text not null check (length(provider) between 1 and 200),
      starts_on date not null,
      planned_end_on date check (planned_end_on is null or planned_end_on >= starts_on),
      ended_on date check (ended_on is null or ended_on >= starts_on),
      -- 'exit': ended by the participant's exit (avslut), on the exit date.
      end_reason text check (end_reason in ('completed', 'interrupted', 'exit', 'other')),
      enrolled_by text not null,
      enrolled_by_name text,
      client_key text not null,
      created_at timestamptz not null default now(),
      ended_by text,
      ended_at timestamptz,
      check ((ended_on is null) = (end_reason is null) and (ended_on is null) = (ended_by is null)
        and (ended_on is null) = (ended_at is null)),
      foreign key (participant_id, municipality_id) references labour_market_participant (id, municipality_id),
      unique (participant_id, client_key)
    )`.execute(db);
  await sql`create index labour_market_measure_participant on labour_market_measure (municipality_id, participant_id)`.execute(
    db,
  );

  // Exits (avslut): to work, studies or other, on a day, by whom. Whether one counts is derived.
  await sql`
    create table labour_market_exit (
      id uuid primary key,
      municipality_id text not null references municipality (id),
      participant_id uuid not null,
      reason text not null check (reason in ('work', 'studies', 'other')),
      exit_date date not null,
      note text check (note is null or length(note) between 1 and 2000),
      recorded_by text not null,
      recorded_by_name text,
      client_key text not null,
      recorded_at timestamptz not null default now(),
      foreign key (participant_id, municipality_id) references labour_market_participant (id, municipality_id),
      unique (participant_id, client_key)
    )`.execute(db);
  await sql`create index labour_market_exit_month on labour_market_exit (municipality_id, exit_date)`.execute(db);
  await sql`create index labour_market_exit_participant on labour_market_exit (participant_id, exit_date)`.execute(db);

  for (const t of ['meeting_note', 'labour_market_plan', 'labour_market_exit'])
    await sql`
      create trigger ${sql.id(`${t}_unchanging`)} before update on ${sql.table(t)}
      for each row execute function labour_market_unchanging()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['labour_market_exit', 'labour_market_measure', 'labour_market_plan', 'meeting_note'])
    await sql`drop table ${sql.table(t)}`.execute(db);
  await sql`drop index meeting_slot_taken`.execute(db);
  await sql`alter table meeting drop constraint meeting_id_municipality`.execute(db);
  await sql`drop function labour_market_unchanging`.execute(db);
  await sql`drop trigger labour_market_participant_on_submit on application`.execute(db);
  await sql`drop function labour_market_participant_on_submit`.execute(db);
  await sql`drop table labour_market_participant`.execute(db);
}
