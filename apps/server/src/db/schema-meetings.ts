/** Meetings with a labour-market coach: slots and bookings, as Kysely sees them (migration 0010-meetings is the truth); part of Database in schema.ts. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MeetingTables {}
