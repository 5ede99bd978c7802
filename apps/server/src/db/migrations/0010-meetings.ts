import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/**
 * Meetings with a labour-market coach (arbetsmarknadssekreterare): the coaches' calendar slots and
 * the applicants' bookings of them. A slot is withdrawn (cancelled_at), never deleted, so a booking
 * always names the slot it was for. At most one active booking per slot and per application,
 * enforced by partial unique indexes: of two applicants taking the same slot at once, exactly one
 * wins. A coach's slot never overlaps another of the coach's own (checked under a per-coach lock).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table coach_slot (
      id uuid primary key,
      municipality_id text not null references municipality (id),
      -- The coach's subject (the token's sub) and name as shown to the applicant.
      coach_subject text not null,
      coach_name text not null,
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      mode text not null check (mode in ('office', 'phone', 'video')),
      location text,
      -- The coach's Idempotency-Key: a retried creation answers the slots it created.
      client_key text,
      created_at timestamptz not null default now(),
      cancelled_at timestamptz,
      check (ends_at - starts_at between interval '15 minutes' and interval '240 minutes'),
      unique (id, municipality_id)
    )`.execute(db);
  await sql`
    create unique index coach_slot_start on coach_slot (municipality_id, coach_subject, starts_at)
    where cancelled_at is null`.execute(db);
  await sql`create index coach_slot_coach on coach_slot (coach_subject, starts_at)`.execute(db);
  await sql`create index coach_slot_free on coach_slot (municipality_id, starts_at) where cancelled_at is null`.execute(
    db,
  );

  await sql`
    create table meeting (
      id uuid primary key,
      municipality_id text not null references municipality (id),
      application_id uuid not null references application (id),
      slot_id uuid not null,
      status text not null check (status in ('booked', 'cancelled', 'rescheduled', 'held', 'no-show')),
      -- 'applicant', or the subject of the staff member who booked.
      booked_by text not null,
      -- The Idempotency-Key of the request that booked it.
      client_key text,
      rescheduled_from uuid references meeting (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      foreign key (slot_id, municipality_id) references coach_slot (id, municipality_id),
      unique (application_id, client_key)
    )`.execute(db);
  await sql`create unique index meeting_active_slot on meeting (slot_id) where status = 'booked'`.execute(db);
  await sql`create unique index meeting_active_application on meeting (application_id) where status = 'booked'`.execute(
    db,
  );
  await sql`create index meeting_application on meeting (municipality_id, application_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table meeting`.execute(db);
  await sql`drop table coach_slot`.execute(db);
}
