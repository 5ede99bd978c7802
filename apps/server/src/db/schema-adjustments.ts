/** The adjustments table as Kysely sees it (migration 0016 is the truth); part of Database in schema.ts. */
import type { ColumnType } from 'kysely';

/** A caseworker's adjustment of a cost or an income: a new calculation version, four eyes above a threshold. */
export interface AdjustmentTable {
  id: string;
  municipality_id: string;
  application_id: string;
  calculation_id: string;
  base_calculation_id: string;
  kind: 'cost' | 'income';
  type: string;
  person: string | null;
  from_amount_ore: ColumnType<string | null, number | null, never>;
  to_amount_ore: ColumnType<string, number, never>;
  reason: string;
  /** The adjusted application form (jsonb): written as a JSON string, read parsed. */
  content: ColumnType<unknown, string, never>;
  made_by: string;
  made_at: ColumnType<Date, Date | string | undefined, never>;
  needs_second: boolean;
  approved_by: ColumnType<string | null, never, string>;
  approved_at: ColumnType<Date | null, never, Date | string>;
  rejected_by: ColumnType<string | null, never, string>;
  rejected_at: ColumnType<Date | null, never, Date | string>;
  rejection_note: ColumnType<string | null, never, string>;
  restored_calculation_id: ColumnType<string | null, never, string>;
  client_key: string;
}

export interface AdjustmentTables {
  adjustment: AdjustmentTable;
}
