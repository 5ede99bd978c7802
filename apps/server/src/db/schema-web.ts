/** Web sessions, as Kysely sees them (migration 0009 is the truth); part of Database in schema.ts. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface WebSessionTables {}
