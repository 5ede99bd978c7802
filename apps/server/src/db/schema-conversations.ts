/** Messages between applicant and caseworker, and appeals, as Kysely sees them (migration 0012-messages-appeals is the truth); part of Database in schema.ts. */
import type { ColumnType } from 'kysely';

export type MessageSender = 'applicant' | 'staff';

export type AppealStatus = 'received' | 'omprövning-changed' | 'forwarded' | 'rejected-late' | 'withdrawn';

/** timestamptz with a database default. */
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** A date (YYYY-MM-DD): select it with to_char, since drivers turn a date into a local-midnight Date. */
type DateColumn = ColumnType<string, string, never>;

export interface MessageTable {
  id: string;
  municipality_id: string;
  application_id: string;
  sender: MessageSender;
  /** The author's subject (never an identity number). */
  author: string;
  /** A staff member's display name; null for the applicant. */
  author_name: string | null;
  body: string;
  created_at: CreatedAt;
  read_at: ColumnType<Date | null, never, Date | string>;
  idempotency_key: string;
}

export interface AppealTable {
  id: string;
  municipality_id: string;
  application_id: string;
  decision_id: string;
  lodged_at: CreatedAt;
  reasons: string;
  requested_change: string | null;
  /** The day the applicant says they received the decision (migration 0014). */
  received_on: ColumnType<string | null, string | null | undefined, never>;
  notified_on: DateColumn;
  notified_by: 'letter' | 'decision';
  deadline: DateColumn;
  within_deadline: boolean;
  status: ColumnType<AppealStatus, AppealStatus | undefined, AppealStatus>;
  handled_by: ColumnType<string | null, never, string>;
  handled_at: ColumnType<Date | null, never, Date | string>;
  note: ColumnType<string | null, never, string>;
  idempotency_key: string;
}

export interface ConversationTables {
  message: MessageTable;
  appeal: AppealTable;
}
