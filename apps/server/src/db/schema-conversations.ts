/** Messages between applicant and caseworker, and appeals, as Kysely sees them (migration 0012-messages-appeals is the truth); part of Database in schema.ts. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ConversationTables {}
