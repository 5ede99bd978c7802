import type { Kysely } from 'kysely';

/** Administration (issue 6): settings changes on record and rule-book amendments. */
export async function up(_db: Kysely<unknown>): Promise<void> {}

export async function down(_db: Kysely<unknown>): Promise<void> {}
