import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/**
 * Letters to the applicant: each rendered once per source (a decision, a completion request, …)
 * and language from the stored facts, kept as HTML (the applicant's inbox) and PDF (archive and
 * print) with the PDF's hash; and every delivery (inbox, digital mailbox, e-mail or SMS notice)
 * on record, at most once per letter and channel: written as pending with the letter, sent after
 * (an outbox), so a crash between the two sends late, never twice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table letter (
      id uuid primary key,
      municipality_id text not null references municipality (id),
      application_id uuid not null references application (id),
      kind text not null check (kind in ('decision', 'completion-request', 'kommunicering', 'sample-check')),
      -- What the letter renders: the decision's id, the completion request's id, …
      source_id text not null,
      lang text not null check (lang in ('sv', 'en', 'ar', 'so', 'ti', 'prs', 'uk')),
      title text not null,
      html text not null,
      pdf bytea not null,
      pdf_sha256 text not null check (pdf_sha256 ~ '^[0-9a-f]{64}$'),
      created_at timestamptz not null default now(),
      read_at timestamptz,
      unique (kind, source_id, lang)
    )`.execute(db);
  await sql`create index letter_application on letter (municipality_id, application_id, created_at)`.execute(db);
  // The notice before an adverse decision (kommunicering, förvaltningslagen 25 §): what the
  // caseworker plans to decide and why, and by when the applicant may comment.
  await sql`
    create table kommunicering (
      id uuid primary key,
      municipality_id text not null references municipality (id),
      application_id uuid not null references application (id),
      planned_outcome text not null check (planned_outcome in ('delavslag', 'avslag', 'avvisning')),
      amount_ore bigint not null check (amount_ore >= 0),
      reasons text not null,
      due_date date not null,
      sent_by text not null,
      client_key text not null,
      created_at timestamptz not null default now(),
      unique (municipality_id, client_key)
    )`.execute(db);
  // The name of the person who decided, for the letter (the subject alone names no one).
  await sql`alter table decision add column decided_by_name text`.execute(db);

  await sql`
    create table delivery (
      id bigint generated always as identity primary key,
      municipality_id text not null references municipality (id),
      letter_id uuid not null references letter (id),
      channel text not null check (channel in ('inbox', 'digital-mailbox', 'email', 'sms')),
      status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
      attempts integer not null default 0,
      delivered_at timestamptz,
      detail text,
      created_at timestamptz not null default now(),
      unique (letter_id, channel)
    )`.execute(db);
  await sql`create index delivery_pending on delivery (id) where status = 'pending'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table delivery`.execute(db);
  await sql`alter table decision drop column decided_by_name`.execute(db);
  await sql`drop table letter`.execute(db);
  await sql`drop table kommunicering`.execute(db);
}
