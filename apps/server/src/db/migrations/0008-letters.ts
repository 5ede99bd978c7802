import type { Kysely } from 'kysely';

/** (letters: filled in by the work on issue 4.) */
export async function up(_db: Kysely<unknown>): Promise<void> {}

export async function down(_db: Kysely<unknown>): Promise<void> {}
