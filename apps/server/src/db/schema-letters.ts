/** The letters tables as Kysely sees them (migration 0008 is the truth); part of Database in schema.ts. */
import type { ColumnType, Generated } from 'kysely';

export type LetterKind = 'decision' | 'completion-request' | 'kommunicering' | 'sample-check';
export type DeliveryChannel = 'inbox' | 'digital-mailbox' | 'email' | 'sms';

export interface LetterTable {
  id: string;
  municipality_id: string;
  application_id: string;
  kind: LetterKind;
  source_id: string;
  lang: string;
  title: string;
  html: string;
  pdf: ColumnType<Uint8Array, Uint8Array, never>;
  pdf_sha256: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  read_at: ColumnType<Date | null, never, Date | string>;
}

export interface DeliveryTable {
  id: Generated<string>;
  municipality_id: string;
  letter_id: string;
  channel: DeliveryChannel;
  status: Generated<'pending' | 'delivered' | 'failed'>;
  attempts: Generated<number>;
  delivered_at: ColumnType<Date | null, never, Date | string | null>;
  detail: string | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

/** A notice before an adverse decision (kommunicering). */
export interface KommuniceringTable {
  id: string;
  municipality_id: string;
  application_id: string;
  planned_outcome: 'delavslag' | 'avslag' | 'avvisning';
  amount_ore: ColumnType<string, number, never>;
  reasons: string;
  due_date: ColumnType<string, string, never>;
  sent_by: string;
  client_key: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface LetterTables {
  letter: LetterTable;
  delivery: DeliveryTable;
  kommunicering: KommuniceringTable;
}
