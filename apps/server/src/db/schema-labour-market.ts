/** Tables of meeting notes, plans, measures and exits (migration 0017-labour-market is the truth); part of Database in schema.ts. */
import type { ColumnType } from 'kysely';

/** Written once, never updated (the migration's trigger refuses updates). */
type Fixed<T> = ColumnType<T, T, never>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** jsonb written as a JSON string, read parsed. */
type FixedJson = ColumnType<unknown, string, never>;
/** A `date` column, written as YYYY-MM-DD; read it with to_char(…, 'YYYY-MM-DD'). */
type FixedDate = ColumnType<Date | string, string, never>;

export const MEETING_OUTCOMES = ['held', 'no-show'] as const;
export type MeetingOutcome = (typeof MEETING_OUTCOMES)[number];

export const MEASURE_TYPES = [
  'job-search',
  'work-preparation',
  'work-placement',
  'subsidised-employment',
  'education',
  'sfi',
  'other',
] as const;
export type MeasureType = (typeof MEASURE_TYPES)[number];

/** Why a measure ended; 'exit': the participant's exit ended it. */
export const MEASURE_END_REASONS = ['completed', 'interrupted', 'exit', 'other'] as const;
export type MeasureEndReason = (typeof MEASURE_END_REASONS)[number];

/** A person (the applicant) in a municipality; the id stands for the personnummer everywhere else. */
export interface LabourMarketParticipantTable {
  id: Fixed<string>;
  municipality_id: Fixed<string>;
  /** The personnummer: secret, never logged or put in a URL. */
  applicant: Fixed<string>;
  created_at: CreatedAt;
}

export interface MeetingNoteTable {
  id: Fixed<string>;
  municipality_id: Fixed<string>;
  meeting_id: Fixed<string>;
  outcome: Fixed<MeetingOutcome | null>;
  text: Fixed<string>;
  written_by: Fixed<string>;
  written_by_name: Fixed<string | null>;
  client_key: Fixed<string>;
  created_at: CreatedAt;
}

export interface LabourMarketPlanTable {
  id: Fixed<string>;
  municipality_id: Fixed<string>;
  participant_id: Fixed<string>;
  version: Fixed<number>;
  goals: FixedJson;
  activities: FixedJson;
  created_by: Fixed<string>;
  created_by_name: Fixed<string | null>;
  client_key: Fixed<string>;
  created_at: CreatedAt;
}

export interface LabourMarketMeasureTable {
  id: Fixed<string>;
  municipality_id: Fixed<string>;
  participant_id: Fixed<string>;
  type: Fixed<MeasureType>;
  provider: Fixed<string>;
  starts_on: FixedDate;
  planned_end_on: ColumnType<Date | string | null, string | null, never>;
  ended_on: ColumnType<Date | string | null, string | null | undefined, string>;
  end_reason: ColumnType<MeasureEndReason | null, MeasureEndReason | null | undefined, MeasureEndReason>;
  enrolled_by: Fixed<string>;
  enrolled_by_name: Fixed<string | null>;
  client_key: Fixed<string>;
  created_at: CreatedAt;
  ended_by: ColumnType<string | null, string | null | undefined, string>;
  ended_at: ColumnType<Date | null, Date | string | null | undefined, Date | string>;
}

export interface LabourMarketExitTable {
  id: Fixed<string>;
  municipality_id: Fixed<string>;
  participant_id: Fixed<string>;
  reason: Fixed<'work' | 'studies' | 'other'>;
  exit_date: FixedDate;
  note: Fixed<string | null>;
  recorded_by: Fixed<string>;
  recorded_by_name: Fixed<string | null>;
  client_key: Fixed<string>;
  recorded_at: CreatedAt;
}

export interface LabourMarketTables {
  labour_market_participant: LabourMarketParticipantTable;
  meeting_note: MeetingNoteTable;
  labour_market_plan: LabourMarketPlanTable;
  labour_market_measure: LabourMarketMeasureTable;
  labour_market_exit: LabourMarketExitTable;
}
