import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/**
 * Messages between the applicant and the caseworkers of an application, each read (or not) by
 * the other side, at most once per client key; and appeals (överklagande) lodged online with the
 * municipality that decided (förvaltningslagen (2017:900) 43 §), at most one per decision, with
 * the notification day and the deadline they were judged by (44 §; lagen (1930:173) om beräkning
 * av lagstadgad tid), and what the municipality did with them (omprövning, forwarded to the
 * förvaltningsrätt, or rejected as late: 45–46 §§).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table message (
      id uuid primary key,
      municipality_id text not null references municipality (id),
      application_id uuid not null references application (id),
      sender text not null check (sender in ('applicant', 'staff')),
      -- The author's subject (a pseudonymous id, never an identity number).
      author text not null,
      -- A staff member's name as the applicant sees it; null for the applicant's own messages.
      author_name text check (author_name is null or sender = 'staff'),
      body text not null check (char_length(body) between 1 and 4000),
      created_at timestamptz not null default now(),
      -- When the other side first read it.
      read_at timestamptz,
      idempotency_key text not null,
      unique (application_id, sender, idempotency_key)
    )`.execute(db);
  await sql`create index message_application on message (municipality_id, application_id, created_at)`.execute(db);

  await sql`
    create table appeal (
      id uuid primary key,
      municipality_id text not null references municipality (id),
      application_id uuid not null references application (id),
      decision_id uuid not null unique references decision (id),
      lodged_at timestamptz not null default now(),
      reasons text not null check (char_length(reasons) between 1 and 8000),
      requested_change text check (requested_change is null or char_length(requested_change) between 1 and 4000),
      -- The day (in Sweden) the applicant was notified of the decision, and from what: the earliest
      -- delivered decision letter, else the decision itself.
      notified_on date not null,
      notified_by text not null check (notified_by in ('letter', 'decision')),
      deadline date not null check (deadline >= notified_on + 21),
      within_deadline boolean not null,
      status text not null default 'received'
        check (status in ('received', 'omprövning-changed', 'forwarded', 'rejected-late', 'withdrawn')),
      handled_by text,
      handled_at timestamptz,
      note text check (note is null or char_length(note) between 1 and 4000),
      idempotency_key text not null,
      unique (application_id, idempotency_key),
      check ((status = 'received') = (handled_at is null)),
      check (status <> 'rejected-late' or not within_deadline)
    )`.execute(db);
  await sql`create index appeal_queue on appeal (municipality_id, status, lodged_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table appeal`.execute(db);
  await sql`drop table message`.execute(db);
}
