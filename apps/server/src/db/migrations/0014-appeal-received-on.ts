import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/**
 * The day the applicant says they received the decision, when they give it: a statement the
 * municipality weighs when it checks whether an appeal came in time (förvaltningslagen 45 §). The
 * deadline itself stays computed from the recorded notification.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table appeal add column received_on date`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table appeal drop column received_on`.execute(db);
}
