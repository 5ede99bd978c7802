/** Documents the applicant uploads, as Kysely sees them (migration 0011-documents is the truth); part of Database in schema.ts. */
import type { ColumnType } from 'kysely';

export const DOCUMENT_PURPOSES = ['application', 'completion', 'sample-check', 'other'] as const;
export type DocumentPurpose = (typeof DOCUMENT_PURPOSES)[number];

export interface DocumentTable {
  id: string;
  municipality_id: string;
  application_id: string;
  uploaded_by: string;
  purpose: DocumentPurpose;
  filename: string;
  media_type: string;
  size_bytes: number;
  sha256: string;
  content: ColumnType<Uint8Array, Uint8Array, never>;
  stripped: boolean;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  deleted_at: ColumnType<Date | null, never, Date | string | null>;
}

export interface DocumentTables {
  document: DocumentTable;
}
