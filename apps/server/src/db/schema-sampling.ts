/** The sampling tables as Kysely sees them (migrations are the truth); part of Database in schema.ts. */
import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** Written once, never updated (a trigger refuses it). */
type Once<T> = ColumnType<T, T, never>;

/** A recorded draw of sample checks (stickprov) for one municipality and month of decisions (migration 0007). */
export interface SampleDrawTable {
  id: Once<string>;
  municipality_id: Once<string>;
  /** The month of decisions drawn from, YYYY-MM. */
  period: Once<string>;
  /** The draw method, e.g. hmac-sha256-v1 (@tillit/domain SAMPLING_METHOD). */
  method: Once<string>;
  /** 32 random bytes as 64 hex digits. */
  seed: Once<string>;
  /** jsonb: the strata drawn with, [{ fromOre, rateBasisPoints }]. */
  strata: ColumnType<unknown, string, never>;
  eligible_count: Once<number>;
  eligible_hash: Once<string>;
  selected_count: Once<number>;
  drawn_by: Once<string>;
  drawn_at: ColumnType<Date, Date | string | undefined, never>;
}

/** The eligible list of a draw, as drawn from. */
export interface SampleDrawItemTable {
  draw_id: Once<string>;
  decision_id: Once<string>;
  amount_ore: ColumnType<string, number | string, never>;
  stratum: Once<number>;
  selected: Once<boolean>;
}

/** A drawn decision's follow-up: the documents asked for, the applicant's answer, the outcome. */
export interface SampleCheckTable {
  id: string;
  draw_id: string;
  municipality_id: string;
  decision_id: string;
  application_id: string;
  stratum: number;
  /** jsonb: [{ code, sv, en }] — the documents the applicant is asked for. */
  documents: ColumnType<unknown, string, string>;
  due_date: ColumnType<string, string, string>;
  created_at: Timestamp;
  answered_at: NullableTimestamp;
  answer_key: string | null;
  answer_message: string | null;
  /** jsonb: the codes of the documents the applicant says were sent. */
  answer_documents: ColumnType<unknown, string | null | undefined, string | null>;
  outcome: 'confirmed' | 'discrepancy' | 'no-answer' | null;
  discrepancy_ore: ColumnType<string | null, number | string | null | undefined, number | string | null>;
  outcome_note: string | null;
  outcome_by: string | null;
  outcome_at: NullableTimestamp;
  recovery_claim_id: string | null;
}

export interface SamplingTables {
  sample_draw: SampleDrawTable;
  sample_draw_item: SampleDrawItemTable;
  sample_check: SampleCheckTable;
}
