/**
 * Meetings with a labour-market coach, in storage: coaches' slots (create, list, withdraw) and an
 * applicant's booking (offer, book, reschedule, cancel). Every query is scoped by municipality;
 * every write is in the audit log, in the same transaction, and a booking's change is on the
 * application's timeline. Race-safe: the application's and the slot's rows are locked while a
 * booking is written, and partial unique indexes keep at most one active booking per slot and per
 * application whatever happens (two applicants taking the same slot at once: exactly one wins).
 */
import { randomUUID } from 'node:crypto';
import { addDays } from '@tillit/domain';
import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import { appendAudit } from '../audit.ts';
import type { Database } from '../db/schema.ts';
import type { MeetingMode, MeetingStatus } from '../db/schema-meetings.ts';
import { bookingWindow, offerSlots, repeatedStarts, swedishInstant, swedishWallClock } from './calendar.ts';
import type { Offer } from './calendar.ts';

type Tx = Kysely<Database> | Transaction<Database>;

/** A slot as the applicant sees it. */
export interface SlotView {
  readonly id: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly mode: MeetingMode;
  readonly location: string | null;
  readonly coachName: string;
}

/** A booking as the applicant sees it: its slot's time, place and coach; `id` is the booking's. */
export interface BookingView extends SlotView {
  readonly status: MeetingStatus;
}

/** A coach's own slot, with its active booking if any (the name as stored: the route hides it when it must). */
export interface CoachSlot extends SlotView {
  readonly booking: {
    readonly id: string;
    /** booked, or after the meeting's time, held or no-show (the coach's note says). */
    readonly status: TakenStatus;
    readonly applicationId: string;
    /** The person on the labour-market track (null only before migration 0017 has added them). */
    readonly participantId: string | null;
    readonly bookedAt: string;
    readonly applicantName: string | null;
    readonly protectedIdentity: boolean | null;
  } | null;
}

/** A meeting that holds its slot: booked, or held / no-show once it has taken place. */
export const TAKEN_STATUSES = ['booked', 'held', 'no-show'] as const;
export type TakenStatus = (typeof TAKEN_STATUSES)[number];

/** Who writes, as the audit log names them. */
export interface Actor {
  readonly actor: string;
  readonly role: string;
}

/**
 * Who booked, as `meeting.booked_by` and the timeline name them: 'applicant' for the applicant
 * (never their subject or number), else the staff member's subject (customer service helping).
 */
function bookedBy(actor: Actor): string {
  return actor.role === 'applicant' ? 'applicant' : actor.actor;
}

interface SlotRow {
  id: string;
  starts_at: Date;
  ends_at: Date;
  mode: MeetingMode;
  location: string | null;
  coach_name: string;
}

const SLOT_COLUMNS = [
  'coach_slot.id',
  'coach_slot.starts_at',
  'coach_slot.ends_at',
  'coach_slot.mode',
  'coach_slot.location',
  'coach_slot.coach_name',
] as const;

function slotView(s: SlotRow): SlotView {
  return {
    id: s.id,
    startsAt: new Date(s.starts_at).toISOString(),
    endsAt: new Date(s.ends_at).toISOString(),
    mode: s.mode,
    location: s.location,
    coachName: s.coach_name,
  };
}

/* ------------------------------------------------------------------ coaches' slots */

/** The coach's own slots starting on the days from `from` to `to` (YYYY-MM-DD, Swedish days), withdrawn ones left out. */
export async function coachSlots(
  db: Tx,
  scope: { readonly municipality: string; readonly coach: string },
  range: { readonly from: string; readonly to: string },
): Promise<CoachSlot[]> {
  const rows = await db
    .selectFrom('coach_slot')
    .leftJoin('meeting', (j) =>
      j.onRef('meeting.slot_id', '=', 'coach_slot.id').on('meeting.status', 'in', TAKEN_STATUSES),
    )
    .leftJoin('application', (j) =>
      j
        .onRef('application.id', '=', 'meeting.application_id')
        .onRef('application.municipality_id', '=', 'meeting.municipality_id'),
    )
    .leftJoin('labour_market_participant as participant', (j) =>
      j
        .onRef('participant.municipality_id', '=', 'application.municipality_id')
        .onRef('participant.applicant', '=', 'application.applicant'),
    )
    .select(SLOT_COLUMNS)
    .select([
      'meeting.id as meeting_id',
      'meeting.application_id',
      'meeting.status as meeting_status',
      'meeting.created_at as booked_at',
      'participant.id as participant_id',
      'application.protected_identity',
      sql<string | null>`application.snapshot #>> '{household,adults,0,name}'`.as('applicant_name'),
    ])
    .where('coach_slot.municipality_id', '=', scope.municipality)
    .where('coach_slot.coach_subject', '=', scope.coach)
    .where('coach_slot.cancelled_at', 'is', null)
    .where('coach_slot.starts_at', '>=', swedishInstant(range.from, '00:00'))
    .where('coach_slot.starts_at', '<', swedishInstant(addDays(range.to, 1), '00:00'))
    .orderBy('coach_slot.starts_at')
    .execute();
  return rows.map((r) => ({
    ...slotView(r),
    booking:
      r.meeting_id !== null
        ? {
            id: r.meeting_id,
            status: r.meeting_status as TakenStatus,
            applicationId: r.application_id!,
            participantId: r.participant_id,
            bookedAt: new Date(r.booked_at!).toISOString(),
            applicantName: r.applicant_name,
            protectedIdentity: r.protected_identity ?? null,
          }
        : null,
  }));
}

export interface NewSlots {
  readonly municipality: string;
  readonly coach: string;
  readonly coachName: string;
  readonly startsAt: Date;
  readonly durationMinutes: number;
  readonly mode: MeetingMode;
  readonly location: string | null;
  /** 1: this slot only; n: the same time on n working days, from the first. */
  readonly workingDays: number;
  /** The coach's Idempotency-Key. */
  readonly key: string;
}

export type CreateSlotsOutcome =
  | { readonly ok: true; readonly slots: readonly SlotView[]; readonly replay: boolean }
  | { readonly ok: false; readonly conflict: 'slot-overlap'; readonly overlaps: SlotView };

/** Key class of the advisory locks that serialize one coach's calendar (the two-int form: its own key space). */
const COACH_LOCK_CLASS = 0x4d_45_45_54; // "MEET"

/** Holds, until the transaction ends, the lock on one coach's calendar (in every municipality). */
async function lockCoach(tx: Transaction<Database>, coach: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(${sql.lit(COACH_LOCK_CLASS)}, hashtext(${coach}))`.execute(tx);
}

/** The first of the coach's active slots (in any municipality) that overlaps [start, end), if any. */
export async function overlapping(db: Tx, coach: string, start: Date, end: Date): Promise<SlotView | undefined> {
  const row = await db
    .selectFrom('coach_slot')
    .select(SLOT_COLUMNS)
    .where('coach_subject', '=', coach)
    .where('cancelled_at', 'is', null)
    .where('starts_at', '<', end)
    .where('ends_at', '>', start)
    .orderBy('starts_at')
    .executeTakeFirst();
  return row ? slotView(row) : undefined;
}

/**
 * Creates a coach's slot, or the same slot on several working days. Refuses the whole request when
 * any of them overlaps one of the coach's own slots. Idempotent on the key: a retry answers the
 * slots the first request created.
 */
export async function createSlots(db: Kysely<Database>, req: NewSlots, actor: Actor): Promise<CreateSlotsOutcome> {
  return db.transaction().execute(async (tx) => {
    await lockCoach(tx, req.coach);
    const earlier = await tx
      .selectFrom('coach_slot')
      .select(SLOT_COLUMNS)
      .where('municipality_id', '=', req.municipality)
      .where('coach_subject', '=', req.coach)
      .where('client_key', '=', req.key)
      .orderBy('starts_at')
      .execute();
    if (earlier.length > 0) return { ok: true, slots: earlier.map(slotView), replay: true };
    const rows = repeatedStarts(req.startsAt, req.workingDays).map((start) => ({
      id: randomUUID(),
      municipality_id: req.municipality,
      coach_subject: req.coach,
      coach_name: req.coachName,
      starts_at: start,
      ends_at: new Date(start.getTime() + req.durationMinutes * 60_000),
      mode: req.mode,
      location: req.location,
      client_key: req.key,
    }));
    for (const r of rows) {
      const overlaps = await overlapping(tx, req.coach, r.starts_at, r.ends_at);
      if (overlaps) return { ok: false, conflict: 'slot-overlap', overlaps };
    }
    const created = await tx.insertInto('coach_slot').values(rows).returning(SLOT_COLUMNS).execute();
    await appendAudit(tx, {
      ...actor,
      municipalityId: req.municipality,
      action: 'write',
      objectType: 'coach-slot',
      objectId: rows[0]!.id,
      purpose: 'coach-slots-created',
      details: { slots: rows.length },
    });
    return { ok: true, slots: created.map(slotView).sort(byStart), replay: false };
  });
}

const byStart = (a: SlotView, b: SlotView) => (a.startsAt < b.startsAt ? -1 : a.startsAt > b.startsAt ? 1 : 0);

/** Whether the slot is taken: an active booking, or a meeting that was held (or not attended) in it. */
async function isBooked(db: Tx, slotId: string): Promise<boolean> {
  const row = await db
    .selectFrom('meeting')
    .select('id')
    .where('slot_id', '=', slotId)
    .where('status', 'in', TAKEN_STATUSES)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Withdraws one of the coach's own slots, unless it is booked. Withdrawing a withdrawn slot
 * changes nothing and answers the same.
 */
export async function withdrawSlot(
  db: Kysely<Database>,
  scope: { readonly municipality: string; readonly coach: string; readonly slotId: string },
  actor: Actor,
): Promise<'withdrawn' | 'not-found' | 'slot-booked'> {
  return db.transaction().execute(async (tx) => {
    const slot = await tx
      .selectFrom('coach_slot')
      .select(['id', 'cancelled_at'])
      .where('id', '=', scope.slotId)
      .where('municipality_id', '=', scope.municipality)
      .where('coach_subject', '=', scope.coach)
      .forUpdate()
      .executeTakeFirst();
    if (!slot) return 'not-found';
    if (slot.cancelled_at !== null) return 'withdrawn';
    if (await isBooked(tx, scope.slotId)) return 'slot-booked';
    await tx.updateTable('coach_slot').set({ cancelled_at: new Date() }).where('id', '=', scope.slotId).execute();
    await appendAudit(tx, {
      ...actor,
      municipalityId: scope.municipality,
      action: 'write',
      objectType: 'coach-slot',
      objectId: scope.slotId,
      purpose: 'coach-slot-withdrawn',
    });
    return 'withdrawn';
  });
}

/* ------------------------------------------------------------------ the applicant's booking */

/** The applicant's own application in a municipality. */
export interface ApplicantScope {
  readonly municipality: string;
  readonly id: string;
  /** The signed-in applicant's personnummer: secret, never logged. */
  readonly applicant: string;
}

export type MeetingConflict =
  'not-submitted' | 'withdrawn' | 'slot-taken' | 'already-booked' | 'not-booked' | 'idempotency-key-reused';

/** Whether the applicant's own application may have a meeting: submitted, not withdrawn. */
export async function applicationState(
  db: Tx,
  scope: ApplicantScope,
  lock = false,
): Promise<
  | { readonly ok: true; readonly status: string }
  | { readonly ok: false; readonly reason: 'not-found' | MeetingConflict }
> {
  let q = db
    .selectFrom('application')
    .select('status')
    .where('id', '=', scope.id)
    .where('municipality_id', '=', scope.municipality)
    .where('applicant', '=', scope.applicant);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) return { ok: false, reason: 'not-found' };
  if (row.status === 'draft') return { ok: false, reason: 'not-submitted' };
  if (row.status === 'withdrawn') return { ok: false, reason: 'withdrawn' };
  return { ok: true, status: row.status };
}

/** The free slots of a municipality an applicant is offered at `now` (see offerSlots). */
export async function offerFor(db: Tx, municipality: string, now: Date): Promise<Offer<SlotView>> {
  const window = bookingWindow(now);
  const free = await db
    .selectFrom('coach_slot')
    .select(SLOT_COLUMNS)
    .where('municipality_id', '=', municipality)
    .where('cancelled_at', 'is', null)
    .where('starts_at', '>=', window.start)
    .where('starts_at', '<', window.end)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('meeting')
            .select('meeting.id')
            .whereRef('meeting.slot_id', '=', 'coach_slot.id')
            .where('meeting.status', 'in', TAKEN_STATUSES),
        ),
      ),
    )
    .execute();
  const offer = offerSlots(
    now,
    free.map((s) => ({ id: s.id, startsAt: new Date(s.starts_at), view: slotView(s) })),
  );
  return { ...offer, slots: offer.slots.map((s) => s.view) };
}

/** A meeting with its slot, as the applicant sees it: by id, or the application's active one. */
async function findBooking(
  db: Tx,
  municipality: string,
  which: { readonly meetingId: string } | { readonly activeOf: string },
): Promise<{ readonly booking: BookingView; readonly slotId: string } | undefined> {
  let q = db
    .selectFrom('meeting')
    .innerJoin('coach_slot', 'coach_slot.id', 'meeting.slot_id')
    .select(SLOT_COLUMNS)
    .select(['meeting.id as meeting_id', 'meeting.status'])
    .where('meeting.municipality_id', '=', municipality);
  q =
    'meetingId' in which
      ? q.where('meeting.id', '=', which.meetingId)
      : q.where('meeting.application_id', '=', which.activeOf).where('meeting.status', '=', 'booked');
  const row = await q.executeTakeFirst();
  if (!row) return undefined;
  const { id: slotId, ...slot } = slotView(row);
  return { booking: { id: row.meeting_id, status: row.status, ...slot }, slotId };
}

/** The application's active booking, if any. */
export async function activeBooking(
  db: Tx,
  scope: { readonly municipality: string; readonly id: string },
): Promise<BookingView | undefined> {
  return (await findBooking(db, scope.municipality, { activeOf: scope.id }))?.booking;
}

export type BookingOutcome =
  | { readonly ok: true; readonly booking: BookingView; readonly replay: boolean }
  | { readonly ok: false; readonly reason: 'not-found' }
  | { readonly ok: false; readonly reason: 'invalid'; readonly code: 'unknown-slot' | 'slot-not-offered' }
  | { readonly ok: false; readonly reason: 'conflict'; readonly conflict: MeetingConflict };

/** A unique index that answered for the race the locks did not see (never expected, always safe). */
function raceConflict(err: unknown): MeetingConflict | undefined {
  const message = err instanceof Error ? err.message : '';
  if (message.includes('meeting_active_slot') || message.includes('meeting_slot_taken')) return 'slot-taken';
  if (message.includes('meeting_active_application')) return 'already-booked';
  return undefined;
}

/** A booking's change as the applicant's timeline shows it (the application's status does not change). */
async function onTimeline(
  tx: Transaction<Database>,
  scope: ApplicantScope,
  status: string,
  event: 'booked' | 'rescheduled' | 'cancelled',
  booking: BookingView,
  by: string,
): Promise<void> {
  await tx
    .insertInto('application_event')
    .values({
      application_id: scope.id,
      municipality_id: scope.municipality,
      status,
      actor: by,
      note: JSON.stringify({
        meeting: event,
        meetingId: booking.id,
        startsAt: booking.startsAt,
        endsAt: booking.endsAt,
        mode: booking.mode,
      }),
    })
    .execute();
}

/**
 * Books a slot for the application (`book`), or moves its active booking to another slot
 * (`reschedule`: the old booking becomes 'rescheduled', the new one 'booked', in one transaction;
 * if the new slot is gone, the old booking stands). The slot must be free and start within the
 * booking window at `now` (the next five working days). Idempotent on the key: a retry answers the
 * booking the first request made; rescheduling to the slot already booked changes nothing.
 */
export async function bookSlot(
  db: Kysely<Database>,
  scope: ApplicantScope,
  req: { readonly slotId: string; readonly key: string; readonly mode: 'book' | 'reschedule' },
  actor: Actor,
  now: Date,
): Promise<BookingOutcome> {
  try {
    return await db.transaction().execute(async (tx): Promise<BookingOutcome> => {
      const app = await applicationState(tx, scope, true);
      if (!app.ok) return app.reason === 'not-found' ? { ok: false, reason: 'not-found' } : conflict(app.reason);
      const earlier = await tx
        .selectFrom('meeting')
        .select(['id', 'slot_id'])
        .where('application_id', '=', scope.id)
        .where('client_key', '=', req.key)
        .executeTakeFirst();
      if (earlier && earlier.slot_id !== req.slotId) return conflict('idempotency-key-reused');
      if (earlier) {
        const { booking } = (await findBooking(tx, scope.municipality, { meetingId: earlier.id }))!;
        return { ok: true, booking, replay: true };
      }
      const current = await findBooking(tx, scope.municipality, { activeOf: scope.id });
      const active = current?.booking;
      if (req.mode === 'book' && active) return conflict('already-booked');
      if (req.mode === 'reschedule' && !active) return conflict('not-booked');
      if (active && current.slotId === req.slotId) return { ok: true, booking: active, replay: true };

      const slot = await tx
        .selectFrom('coach_slot')
        .select(['id', 'starts_at', 'cancelled_at'])
        .where('id', '=', req.slotId)
        .where('municipality_id', '=', scope.municipality)
        .forUpdate()
        .executeTakeFirst();
      if (!slot) return { ok: false, reason: 'invalid', code: 'unknown-slot' };
      if (slot.cancelled_at !== null) return conflict('slot-taken');
      if (!bookingWindow(now).days.includes(swedishWallClock(new Date(slot.starts_at)).date))
        return { ok: false, reason: 'invalid', code: 'slot-not-offered' };
      if (await isBooked(tx, req.slotId)) return conflict('slot-taken');

      if (active)
        await tx
          .updateTable('meeting')
          .set({ status: 'rescheduled', updated_at: new Date() })
          .where('id', '=', active.id)
          .execute();
      const id = randomUUID();
      await tx
        .insertInto('meeting')
        .values({
          id,
          municipality_id: scope.municipality,
          application_id: scope.id,
          slot_id: req.slotId,
          status: 'booked',
          booked_by: bookedBy(actor),
          client_key: req.key,
          rescheduled_from: active?.id ?? null,
        })
        .execute();
      const { booking } = (await findBooking(tx, scope.municipality, { meetingId: id }))!;
      await onTimeline(tx, scope, app.status, active ? 'rescheduled' : 'booked', booking, bookedBy(actor));
      await appendAudit(tx, {
        ...actor,
        municipalityId: scope.municipality,
        action: 'write',
        objectType: 'meeting',
        objectId: id,
        purpose: active ? 'meeting-rescheduled' : 'meeting-booked',
        details: { application: scope.id, ...(active ? { rescheduledFrom: active.id } : {}) },
      });
      return { ok: true, booking, replay: false };
    });
  } catch (err) {
    const raced = raceConflict(err);
    if (raced) return conflict(raced);
    throw err;
  }
}

function conflict(c: MeetingConflict): BookingOutcome {
  return { ok: false, reason: 'conflict', conflict: c };
}

/**
 * Cancels the application's active booking; with none, changes nothing (a retried cancellation
 * answers the same). The slot is free again.
 */
export async function cancelBooking(
  db: Kysely<Database>,
  scope: ApplicantScope,
  actor: Actor,
): Promise<
  | { readonly ok: true; readonly cancelled: boolean }
  | { readonly ok: false; readonly reason: 'not-found' | MeetingConflict }
> {
  return db.transaction().execute(async (tx) => {
    const app = await applicationState(tx, scope, true);
    if (!app.ok) return app;
    const active = await activeBooking(tx, scope);
    if (!active) return { ok: true, cancelled: false };
    await tx
      .updateTable('meeting')
      .set({ status: 'cancelled', updated_at: new Date() })
      .where('id', '=', active.id)
      .execute();
    await onTimeline(tx, scope, app.status, 'cancelled', active, bookedBy(actor));
    await appendAudit(tx, {
      ...actor,
      municipalityId: scope.municipality,
      action: 'write',
      objectType: 'meeting',
      objectId: active.id,
      purpose: 'meeting-cancelled',
      details: { application: scope.id },
    });
    return { ok: true, cancelled: true };
  });
}
