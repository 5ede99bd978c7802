/**
 * Customer service books (or moves) a meeting with a coach on a person's behalf: the meetings
 * service's own booking (src/meetings/service.ts: the same offer, window, locks, unique indexes
 * and Idempotency-Key), with the staff member as the actor in the audit log and as the one who
 * booked (`meeting.booked_by`: 'applicant', or the subject of the staff member who booked).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { bookSlot } from '../meetings/service.ts';
import type { Actor, BookingOutcome } from '../meetings/service.ts';
import { serviceableApplication } from './lookup.ts';

export async function bookOnBehalf(
  db: Kysely<Database>,
  scope: { readonly municipality: string; readonly id: string },
  req: { readonly slotId: string; readonly key: string; readonly mode: 'book' | 'reschedule' },
  actor: Actor,
  now: Date,
): Promise<BookingOutcome> {
  const app = await serviceableApplication(db, scope.municipality, scope.id);
  if (!app) return { ok: false, reason: 'not-found' };
  // The booking names the staff member as who booked, in the meeting, the timeline and the audit log.
  return bookSlot(db, { ...scope, applicant: app.applicant }, req, actor, now);
}
