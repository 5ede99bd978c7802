import type { Kysely } from 'kysely';

/** Documents the applicant uploads. */
export async function up(_db: Kysely<unknown>): Promise<void> {}

export async function down(_db: Kysely<unknown>): Promise<void> {}
