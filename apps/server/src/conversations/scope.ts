/** What the messages and appeals services share: an application's scope, its lock, and events on its timeline. */
import type { Kysely, Transaction } from 'kysely';
import type { JsonValue } from '../audit.ts';
import type { Database } from '../db/schema.ts';

export type Tx = Kysely<Database> | Transaction<Database>;

/** An application, by municipality and id. */
export interface CaseScope {
  readonly municipality: string;
  readonly id: string;
}

/**
 * Locks a submitted application for the rest of the transaction (so that concurrent retries of
 * one write see each other); the applicant's own when `applicant` is given. False for a draft,
 * another applicant's or a missing one.
 */
export async function lockSubmitted(tx: Transaction<Database>, scope: CaseScope, applicant?: string): Promise<boolean> {
  let q = tx
    .selectFrom('application')
    .select('status')
    .where('id', '=', scope.id)
    .where('municipality_id', '=', scope.municipality);
  if (applicant !== undefined) q = q.where('applicant', '=', applicant);
  const app = await q.forUpdate().executeTakeFirst();
  return app !== undefined && app.status !== 'draft';
}

/**
 * An event on the application's timeline (application_event) at its current status, which it
 * does not change; the note names the event, e.g. `{ event: 'appeal-lodged', appeal: … }`.
 */
export async function addTimelineEvent(
  db: Tx,
  scope: CaseScope,
  actor: string,
  note: { readonly event: string } & { readonly [key: string]: JsonValue },
): Promise<void> {
  const app = await db
    .selectFrom('application')
    .select('status')
    .where('id', '=', scope.id)
    .where('municipality_id', '=', scope.municipality)
    .executeTakeFirstOrThrow();
  await db
    .insertInto('application_event')
    .values({
      application_id: scope.id,
      municipality_id: scope.municipality,
      status: app.status,
      actor,
      note: JSON.stringify(note),
    })
    .execute();
}
