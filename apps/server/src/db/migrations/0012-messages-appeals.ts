import type { Kysely } from 'kysely';

/** Messages between applicant and caseworker, and appeals. */
export async function up(_db: Kysely<unknown>): Promise<void> {}

export async function down(_db: Kysely<unknown>): Promise<void> {}
