/** The letters tables as Kysely sees them (migrations are the truth); part of Database in schema.ts. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface LetterTables {}
