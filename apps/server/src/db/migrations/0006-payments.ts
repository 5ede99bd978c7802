import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/**
 * Payments: one per decision that grants money (a unique decision_id: however often scheduling
 * runs, a decision is paid once), with a status (scheduled → exported → settled, or returned),
 * and batches, each the ISO 20022 pain.001.001.03 file exactly as it was generated, so a
 * re-export gives the same bytes. A payment is in at most one batch; a batch's idempotency key
 * is unique per municipality, so a retried export returns the batch it made the first time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table payment_batch (
      id uuid primary key,
      municipality_id text not null references municipality (id),
      -- The pain.001 MsgId (unique, at most 35 characters).
      message_id text not null unique check (char_length(message_id) between 1 and 35),
      client_key text not null,
      created_by text not null,
      created_at timestamptz not null default now(),
      payment_count integer not null default 0 check (payment_count >= 0),
      total_ore bigint not null default 0 check (total_ore >= 0),
      -- The file as generated (UTF-8 XML) and its SHA-256 (hex).
      xml text not null,
      sha256 text not null,
      unique (municipality_id, client_key)
    )`.execute(db);

  await sql`
    create table payment (
      id uuid primary key,
      municipality_id text not null references municipality (id),
      decision_id uuid not null unique references decision (id),
      application_id uuid not null references application (id),
      -- The month the assistance is for (the application's month), YYYY-MM.
      month text not null,
      kind text not null check (kind in ('cycle', 'late', 'urgent')),
      status text not null default 'scheduled' check (status in ('scheduled', 'exported', 'settled', 'returned')),
      decided_ore bigint not null check (decided_ore > 0),
      amount_ore bigint not null check (amount_ore > 0 and amount_ore <= decided_ore),
      pay_on date not null,
      -- The account paid to, as the application gave it when the payment was scheduled.
      clearing text not null,
      account text not null,
      holder text not null check (holder in ('a0', 'a1')),
      creditor_name text,
      -- The pain.001 EndToEndId (at most 35 characters).
      end_to_end_id text not null unique check (char_length(end_to_end_id) between 1 and 35),
      batch_id uuid references payment_batch (id),
      urgent_reason text,
      urgent_by text,
      return_reason text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      exported_at timestamptz,
      settled_at timestamptz,
      returned_at timestamptz,
      check ((status = 'scheduled') = (batch_id is null)),
      check ((kind = 'urgent') = (urgent_reason is not null)),
      check ((status = 'returned') = (return_reason is not null))
    )`.execute(db);
  await sql`create index payment_due on payment (municipality_id, pay_on) where status = 'scheduled'`.execute(db);
  await sql`create index payment_batch_items on payment (batch_id) where batch_id is not null`.execute(db);
  await sql`create index payment_by_status on payment (municipality_id, status, pay_on)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table payment`.execute(db);
  await sql`drop table payment_batch`.execute(db);
}
