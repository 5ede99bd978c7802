/** Browser sign-in and sessions, as Kysely sees them (migration 0009 is the truth); part of Database in schema.ts. */
import type { ColumnType } from 'kysely';

export interface WebLoginTable {
  id: string;
  state: string;
  nonce: string;
  code_verifier: string;
  return_to: string;
  lang: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  expires_at: ColumnType<Date, Date | string, never>;
}

export interface WebSessionTable {
  id: string;
  subject: string;
  claims: ColumnType<Record<string, unknown>, string, never>;
  csrf_token: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  last_seen_at: ColumnType<Date, Date | string | undefined, Date | string>;
  idle_expires_at: ColumnType<Date, Date | string, Date | string>;
  absolute_expires_at: ColumnType<Date, Date | string, never>;
  ended_at: ColumnType<Date | null, never, Date | string>;
  end_reason: ColumnType<'logout' | 'idle' | 'absolute' | null, never, 'logout' | 'idle' | 'absolute'>;
}

export interface WebSessionTables {
  web_login: WebLoginTable;
  web_session: WebSessionTable;
}
