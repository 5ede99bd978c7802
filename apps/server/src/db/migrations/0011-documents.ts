import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/**
 * Documents the applicant uploads to an application (a rent contract, a bank statement, a photo of
 * a receipt): the bytes as stored after metadata stripping, their type as sniffed from the bytes,
 * and their SHA-256, unique per application among documents not removed, so that uploading the
 * same bytes again finds the existing document. A removal is a mark (deleted_at), not a delete.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table document (
      id uuid primary key,
      municipality_id text not null references municipality (id),
      application_id uuid not null references application (id),
      -- The uploader's subject (a pseudonymous id, never an identity number).
      uploaded_by text not null,
      purpose text not null check (purpose in ('application', 'completion', 'sample-check', 'other')),
      -- Sanitized: the last path segment only, at most 200 characters.
      filename text not null check (char_length(filename) between 1 and 200 and filename !~ '[/\\\\]'),
      media_type text not null check (media_type in ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')),
      size_bytes integer not null check (size_bytes > 0),
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      content bytea not null,
      -- Whether metadata were removed (images); a PDF is stored as it came.
      stripped boolean not null,
      created_at timestamptz not null default now(),
      deleted_at timestamptz,
      check (octet_length(content) = size_bytes)
    )`.execute(db);
  await sql`
    create unique index document_same_bytes on document (municipality_id, application_id, sha256)
    where deleted_at is null`.execute(db);
  await sql`create index document_application on document (municipality_id, application_id, created_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table document`.execute(db);
}
