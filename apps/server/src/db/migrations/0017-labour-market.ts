import type { Kysely } from 'kysely';

/** The labour-market track (issue 6): meeting notes, plans, measures and exits. */
export async function up(_db: Kysely<unknown>): Promise<void> {}

export async function down(_db: Kysely<unknown>): Promise<void> {}
