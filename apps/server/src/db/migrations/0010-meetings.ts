import type { Kysely } from 'kysely';

/** Meetings with a labour-market coach: slots and bookings. */
export async function up(_db: Kysely<unknown>): Promise<void> {}

export async function down(_db: Kysely<unknown>): Promise<void> {}
