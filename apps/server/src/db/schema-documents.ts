/** Documents the applicant uploads, as Kysely sees them (migration 0011-documents is the truth); part of Database in schema.ts. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DocumentTables {}
