/** The database's tables as Kysely sees them. One interface per table; migrations are the truth. */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** jsonb: written as a JSON string, read as parsed JSON (validated by the repository). */
type Json = ColumnType<unknown, string, string>;

export interface MunicipalityTable {
  id: string;
  name: string;
  code: string;
  host_id: string | null;
  settings: Json;
  guidelines: Json;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
}

export interface Database {
  municipality: MunicipalityTable;
}
