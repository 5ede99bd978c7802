/** Tables of administration (migration 0018-administration): settings changes and rule-book changes. */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string, string>;

export interface MunicipalityChangeTable {
  id: Generated<string>;
  municipality_id: string;
  version: number;
  changed_by: string;
  changed_by_name: string | null;
  reason: string;
  before: Json;
  after: Json;
  changed_at: Generated<Date>;
}

export interface RulebookChangeTable {
  id: Generated<string>;
  municipality_id: string;
  kind: 'values' | 'confirmation';
  year: number;
  value_group: string | null;
  amounts: ColumnType<unknown, string | null, string | null>;
  source_act: string | null;
  source_url: string | null;
  note: string;
  base_hash: string;
  entered_by: string;
  entered_by_name: string | null;
  entered_at: Generated<Date>;
  idempotency_key: string;
  status: Generated<'pending' | 'confirmed' | 'rejected' | 'withdrawn'>;
  decided_by: string | null;
  decided_by_name: string | null;
  decided_at: Timestamp | null;
  decision_note: string | null;
  applied_seq: number | null;
  resulting_hash: string | null;
}

export interface AdministrationTables {
  municipality_change: MunicipalityChangeTable;
  rulebook_change: RulebookChangeTable;
}
