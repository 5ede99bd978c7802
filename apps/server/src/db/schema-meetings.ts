/** Meetings with a labour-market coach: slots and bookings, as Kysely sees them (migration 0010-meetings is the truth); part of Database in schema.ts. */
import type { ColumnType } from 'kysely';

export const MEETING_MODES = ['office', 'phone', 'video'] as const;
export type MeetingMode = (typeof MEETING_MODES)[number];
export type MeetingStatus = 'booked' | 'cancelled' | 'rescheduled' | 'held' | 'no-show';

export interface CoachSlotTable {
  id: string;
  municipality_id: string;
  coach_subject: string;
  coach_name: string;
  starts_at: ColumnType<Date, Date | string, never>;
  ends_at: ColumnType<Date, Date | string, never>;
  mode: MeetingMode;
  location: string | null;
  client_key: string | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  cancelled_at: ColumnType<Date | null, Date | string | null | undefined, Date | string>;
}

export interface MeetingTable {
  id: string;
  municipality_id: string;
  application_id: string;
  slot_id: string;
  status: MeetingStatus;
  booked_by: string;
  client_key: string | null;
  rescheduled_from: string | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface MeetingTables {
  coach_slot: CoachSlotTable;
  meeting: MeetingTable;
}
