/** The payments tables as Kysely sees them (migrations are the truth); part of Database in schema.ts. */
import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** bigint öre: pg returns a string, PGlite a number — read with Number(). */
type Ore = ColumnType<string | number, number | string, number | string>;
/** date: read as a Date or a string depending on the driver — read with dateOf(). */
type DateColumn = ColumnType<Date | string, string, string>;

export type PaymentStatus = 'scheduled' | 'exported' | 'settled' | 'returned';

/** One payment per granting decision (migration 0006). */
export interface PaymentTable {
  id: string;
  municipality_id: string;
  decision_id: string;
  application_id: string;
  month: string;
  kind: 'cycle' | 'late' | 'urgent';
  status: ColumnType<PaymentStatus, PaymentStatus | undefined, PaymentStatus>;
  decided_ore: Ore;
  amount_ore: Ore;
  pay_on: DateColumn;
  clearing: string;
  account: string;
  holder: 'a0' | 'a1';
  creditor_name: string | null;
  end_to_end_id: string;
  batch_id: string | null;
  urgent_reason: string | null;
  urgent_by: string | null;
  return_reason: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  exported_at: NullableTimestamp;
  settled_at: NullableTimestamp;
  returned_at: NullableTimestamp;
}

/** A pain.001 file as generated, kept byte for byte. */
export interface PaymentBatchTable {
  id: string;
  municipality_id: string;
  message_id: string;
  client_key: string;
  created_by: string;
  created_at: Timestamp;
  payment_count: ColumnType<number, number | undefined, number>;
  total_ore: ColumnType<string | number, number | string | undefined, number | string>;
  xml: string;
  sha256: string;
}

export interface PaymentTables {
  payment: PaymentTable;
  payment_batch: PaymentBatchTable;
}
