/**
 * Meetings with a labour-market coach. The pure calendar with fixed instants: the next working
 * day in Sweden (a Friday, Christmas, New Year, time zones), the booking window, repeated slots and
 * the choice of three slots spread over the day (and filled from later days). Then over real HTTP
 * with real tokens and a real database, slots placed on the real next working day: the applicant's
 * journey (offered three, book, see it, reschedule, cancel, on the timeline and in the audit log),
 * races for one slot, idempotent retries, another person's application, a draft, coaches' tenant
 * isolation and roles, bad input named by field, and a protected identity's name hidden from a coach.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTraits } from '@tillit/authority-sim';
import { verifyAuditChain } from '../src/audit.ts';
import {
  bookingWindow,
  clockTime,
  nextWorkingDay,
  offerSlots,
  repeatedStarts,
  spreadOverDay,
  swedishInstant,
  swedishWallClock,
} from '../src/meetings/calendar.ts';
import { seedDemoSlots } from '../src/meetings/seed.ts';
import { MONTH, isCleanRenewal, startHarness } from './pipeline-harness.ts';
import type { Harness } from './pipeline-harness.ts';

/* ------------------------------------------------------------------ the calendar, pure */

/** A slot at a Swedish date and time. */
const at = (date: string, time: string, id = `${date}T${time}`) => ({ id, startsAt: swedishInstant(date, time) });
const times = (slots: readonly { startsAt: Date }[]) =>
  slots.map((s) => {
    const c = swedishWallClock(s.startsAt);
    return `${c.date} ${clockTime(c.minutes)}`;
  });

describe('the next working day in Sweden', () => {
  it('is Monday after a Friday, a Saturday or a Sunday, and the next day midweek', () => {
    expect(nextWorkingDay(new Date('2026-11-13T15:00:00Z'))).toBe('2026-11-16'); // Friday afternoon
    expect(nextWorkingDay(new Date('2026-11-14T10:00:00Z'))).toBe('2026-11-16'); // Saturday
    expect(nextWorkingDay(new Date('2026-11-15T22:59:00Z'))).toBe('2026-11-16'); // Sunday 23:59 in Sweden
    expect(nextWorkingDay(new Date('2026-11-10T08:00:00Z'))).toBe('2026-11-11'); // Tuesday
  });

  it('counts from the day in Sweden, not in UTC: Thursday 23:30 UTC is Friday 00:30 in Stockholm', () => {
    expect(nextWorkingDay(new Date('2026-11-12T22:59:00Z'))).toBe('2026-11-13'); // Thursday 23:59 in Sweden
    expect(nextWorkingDay(new Date('2026-11-12T23:30:00Z'))).toBe('2026-11-16');
    // Summer time: 22:30 UTC is already the next day in Sweden (UTC+2).
    expect(nextWorkingDay(new Date('2026-06-04T22:30:00Z'))).toBe('2026-06-08'); // Fri 5 June → Mon 8 (not National Day)
  });

  it('skips Christmas Eve, Christmas Day and Boxing Day, New Year and Midsummer Eve', () => {
    expect(nextWorkingDay(new Date('2026-12-23T09:00:00Z'))).toBe('2026-12-28');
    expect(nextWorkingDay(new Date('2026-12-24T09:00:00Z'))).toBe('2026-12-28');
    expect(nextWorkingDay(new Date('2026-12-30T09:00:00Z'))).toBe('2027-01-04'); // 31 Dec and 1 Jan closed
    expect(nextWorkingDay(new Date('2026-06-18T09:00:00Z'))).toBe('2026-06-22'); // Midsummer Eve is 19 June
    expect(nextWorkingDay(new Date('2027-01-05T09:00:00Z'))).toBe('2027-01-07'); // Epiphany, 6 January
  });

  it('gives a window of five working days from midnight to midnight in Sweden', () => {
    const w = bookingWindow(new Date('2026-12-23T09:00:00Z'));
    expect(w.days).toEqual(['2026-12-28', '2026-12-29', '2026-12-30', '2027-01-04', '2027-01-05']);
    expect(w.start.toISOString()).toBe('2026-12-27T23:00:00.000Z');
    expect(w.end.toISOString()).toBe('2027-01-05T23:00:00.000Z');
  });

  it('turns Swedish clock times into instants across summer time', () => {
    expect(swedishInstant('2026-03-27', '08:30').toISOString()).toBe('2026-03-27T07:30:00.000Z'); // UTC+1
    expect(swedishInstant('2026-03-30', '08:30').toISOString()).toBe('2026-03-30T06:30:00.000Z'); // UTC+2
    expect(swedishInstant('2026-03-29', '02:30').toISOString()).toBe('2026-03-29T01:30:00.000Z'); // skipped hour → 03:30
    expect(swedishWallClock(new Date('2026-10-25T02:15:00Z'))).toEqual({ date: '2026-10-25', minutes: 3 * 60 + 15 });
  });

  it('repeats a slot at the same Swedish time on the following working days', () => {
    // Friday 23 October 09:00 (summer time), then Monday and Tuesday 09:00 (winter time).
    expect(repeatedStarts(swedishInstant('2026-10-23', '09:00'), 3).map((d) => d.toISOString())).toEqual([
      '2026-10-23T07:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
      '2026-10-27T08:00:00.000Z',
    ]);
    expect(times(repeatedStarts(swedishInstant('2026-12-23', '13:15'), 3).map((startsAt) => ({ startsAt })))).toEqual([
      '2026-12-23 13:15',
      '2026-12-28 13:15',
      '2026-12-29 13:15',
    ]);
  });
});

describe('choosing three slots', () => {
  const friday = new Date('2026-11-13T15:00:00Z');
  const monday = '2026-11-16';

  it('spreads them over the next working day: first thing, around the middle, last thing', () => {
    const free = ['15:00', '09:00', '13:00', '10:00', '11:00', '14:00'].map((t) => at(monday, t));
    const offer = offerSlots(friday, free);
    expect(offer.date).toBe(monday);
    expect(times(offer.slots)).toEqual(['2026-11-16 09:00', '2026-11-16 11:00', '2026-11-16 15:00']);
    expect(offer.filledFromLaterDays).toBe(false);
    // Deterministic: the input's order does not matter.
    expect(offerSlots(friday, [...free].reverse()).slots.map((s) => s.id)).toEqual(offer.slots.map((s) => s.id));
  });

  it('prefers three different times when several coaches offer the same hours; ties go to the lower id', () => {
    const free = [
      at(monday, '08:30', 'b1'),
      at(monday, '08:30', 'a1'),
      at(monday, '12:00', 'b2'),
      at(monday, '12:00', 'a2'),
      at(monday, '15:30', 'a3'),
    ];
    expect(offerSlots(friday, free).slots.map((s) => s.id)).toEqual(['a1', 'a2', 'a3']);
    // Only two times: the third slot repeats the one nearest its target (the latest).
    expect(spreadOverDay(free.slice(0, 4), 3).map((s) => s.id)).toEqual(['a1', 'a2', 'b2']);
  });

  it('leaves out weekends, holidays, the past and days beyond the window', () => {
    const offer = offerSlots(new Date('2026-12-23T09:00:00Z'), [
      at('2026-12-23', '15:00'), // today
      at('2026-12-24', '10:00'), // Christmas Eve
      at('2026-12-26', '10:00'), // Saturday
      at('2027-01-07', '10:00'), // the sixth working day
      at('2026-12-28', '10:00'),
    ]);
    expect(offer.date).toBe('2026-12-28');
    expect(times(offer.slots)).toEqual(['2026-12-28 10:00']);
    expect(offer.filledFromLaterDays).toBe(false);
  });

  it('fills from the following working days when the next one has fewer than three, and says so', () => {
    const offer = offerSlots(new Date('2026-12-23T09:00:00Z'), [
      at('2027-01-04', '09:00'),
      at('2026-12-28', '14:00'),
      at('2026-12-30', '11:00'),
      at('2026-12-30', '08:30'),
    ]);
    expect(offer.date).toBe('2026-12-28');
    expect(times(offer.slots)).toEqual(['2026-12-28 14:00', '2026-12-30 08:30', '2026-12-30 11:00']);
    expect(offer.filledFromLaterDays).toBe(true);
  });

  it('offers what there is, and nothing when nothing is free', () => {
    const two = offerSlots(friday, [at('2026-11-20', '10:00'), at('2026-11-19', '10:00')]);
    expect(times(two.slots)).toEqual(['2026-11-19 10:00', '2026-11-20 10:00']);
    expect(two.filledFromLaterDays).toBe(true);
    expect(offerSlots(friday, [])).toEqual({ date: monday, slots: [], filledFromLaterDays: false });
  });
});

/* ------------------------------------------------------------------ over HTTP */

let h: Harness;
beforeAll(async () => {
  h = await startHarness((find) => ({
    clean: find(isCleanRenewal, 10),
    partner: find(isCleanRenewal, 1, '9902'),
    protected: find((x) => hasTraits(x, 'protected-identity', 'single'), 1),
  }));
});
afterAll(async () => {
  await h?.close();
});

const base = (m = 'ekby') => `/api/v1/municipalities/${m}`;
const coachSlots = (m = 'ekby') => `${base(m)}/coach/slots`;
const own = (id: string, rest: string, m = 'ekby') => `${base(m)}/applications/${id}${rest}`;
const fields = (body: Record<string, unknown>) =>
  (body.errors as { field: string; code: string }[]).map((e) => e.field);
const codes = (body: Record<string, unknown>) => (body.errors as { field: string; code: string }[]).map((e) => e.code);
let keys = 0;
const key = (what: string) => ({ 'idempotency-key': `${what}-${++keys}-meetings-test` });

type Slot = { id: string; startsAt: string; endsAt: string; mode: string; location: string | null; coachName: string };

/** A coach creates a slot at a Swedish date and time; returns it. */
async function slot(user: string, date: string, time: string, more: Record<string, unknown> = {}, m = 'ekby') {
  const res = await h.call(
    user,
    'POST',
    coachSlots(m),
    { startsAt: swedishInstant(date, time).toISOString(), durationMinutes: 45, mode: 'office', ...more },
    key('slot'),
  );
  expect(res.status).toBe(201);
  return (res.body.slots as Slot[])[0]!;
}

/** Submits a new application whose first adult carries a name; returns its id. */
async function applyNamed(group: string, index: number, name: string, m = 'ekby'): Promise<string> {
  const user = h.user(group, index);
  const created = await h.call(user, 'POST', `${base(m)}/applications`, { kind: 'new', month: MONTH });
  const id = created.body.id as string;
  const draft = h.draft(h.pick[group]![index]!);
  const adult = (draft.household as { adults: { personnummer: string }[] }).adults[0]!;
  await h.call(user, 'PUT', own(id, '/draft', m), {
    ...draft,
    household: { adults: [{ ...adult, name }], children: [] },
  });
  expect((await h.call(user, 'POST', own(id, '/submit', m), undefined, key('submit'))).status).toBe(202);
  return id;
}

const now = () => new Date();
const swedishTime = (iso: string) => times([{ startsAt: new Date(iso) }])[0]!;

describe("the applicant's journey", () => {
  it('offers three slots the next working day; books, sees, moves and cancels one; all on the timeline', async () => {
    const day = nextWorkingDay(now());
    const coach = 'ekby-coach';
    const made: Record<string, Slot> = {};
    for (const t of ['15:00', '09:00', '13:00', '10:00', '11:00', '14:00'])
      made[t] = await slot(coach, day, t, t === '14:00' ? { mode: 'video' } : { location: 'Storgatan 1, Ekby' });
    expect(made['09:00']).toMatchObject({ coachName: 'Egon Ekström', mode: 'office', location: 'Storgatan 1, Ekby' });
    expect(made['14:00']).toMatchObject({ mode: 'video', location: null });

    const id = await h.apply('clean', 0, 'new', 'meetings-journey');
    const user = h.user('clean', 0);
    const offered = await h.call(user, 'GET', own(id, '/meeting-slots'));
    expect(offered.status).toBe(200);
    expect(offered.body.date).toBe(day);
    expect(offered.body.filledFromLaterDays).toBe(false);
    const offer = offered.body.slots as Slot[];
    expect(offer.map((s) => s.id)).toEqual([made['09:00']!.id, made['11:00']!.id, made['15:00']!.id]);
    expect(offer[0]).toEqual(made['09:00']);
    expect(offer.map((s) => swedishTime(s.startsAt))).toEqual([`${day} 09:00`, `${day} 11:00`, `${day} 15:00`]);

    const none = await h.call(user, 'GET', own(id, '/meeting'), undefined, { 'accept-language': 'en' });
    expect(none.status).toBe(404);
    expect(none.body).toMatchObject({ type: '/problems/not-found', code: 'no-booking', detail: 'No time is booked.' });

    // Book 11:00; a retry with the same key answers the same booking, nothing twice.
    const bookKey = key('book');
    const booked = await h.call(user, 'POST', own(id, '/meeting'), { slotId: made['11:00']!.id }, bookKey);
    expect(booked.status).toBe(201);
    expect(booked.body).toEqual({
      id: expect.any(String),
      status: 'booked',
      startsAt: made['11:00']!.startsAt,
      endsAt: made['11:00']!.endsAt,
      mode: 'office',
      location: 'Storgatan 1, Ekby',
      coachName: 'Egon Ekström',
    });
    const retry = await h.call(user, 'POST', own(id, '/meeting'), { slotId: made['11:00']!.id }, bookKey);
    expect(retry).toEqual(booked);
    const reused = await h.call(user, 'POST', own(id, '/meeting'), { slotId: made['10:00']!.id }, bookKey);
    expect(reused.body).toMatchObject({ status: 409, code: 'idempotency-key-reused' });
    const second = await h.call(user, 'POST', own(id, '/meeting'), { slotId: made['10:00']!.id }, key('book'));
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({
      type: '/problems/conflict',
      code: 'already-booked',
      conflict: 'already-booked',
    });
    expect((await h.call(user, 'GET', own(id, '/meeting'))).body).toEqual(booked.body);

    // 11:00 is taken: the middle of the day is now 13:00.
    const after = await h.call(user, 'GET', own(id, '/meeting-slots'));
    expect((after.body.slots as Slot[]).map((s) => s.id)).toEqual([
      made['09:00']!.id,
      made['13:00']!.id,
      made['15:00']!.id,
    ]);

    // Move to 14:00 in one step; the retry changes nothing; 11:00 is free again.
    const moveKey = key('move');
    const moved = await h.call(user, 'PUT', own(id, '/meeting'), { slotId: made['14:00']!.id }, moveKey);
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ status: 'booked', startsAt: made['14:00']!.startsAt, mode: 'video' });
    expect(moved.body.id).not.toBe(booked.body.id);
    expect(await h.call(user, 'PUT', own(id, '/meeting'), { slotId: made['14:00']!.id }, moveKey)).toEqual(moved);
    expect(await h.call(user, 'PUT', own(id, '/meeting'), { slotId: made['14:00']!.id }, key('move'))).toEqual(moved);
    const again = await h.call(user, 'GET', own(id, '/meeting-slots'));
    expect((again.body.slots as Slot[]).map((s) => s.id)).toEqual([
      made['09:00']!.id,
      made['11:00']!.id,
      made['15:00']!.id,
    ]);

    // Cancel; cancelling again answers the same; then there is nothing to move.
    expect((await h.call(user, 'DELETE', own(id, '/meeting'))).status).toBe(204);
    expect((await h.call(user, 'DELETE', own(id, '/meeting'))).status).toBe(204);
    expect((await h.call(user, 'GET', own(id, '/meeting'))).status).toBe(404);
    const nothing = await h.call(user, 'PUT', own(id, '/meeting'), { slotId: made['10:00']!.id }, key('move'));
    expect(nothing.body).toMatchObject({ status: 409, code: 'not-booked' });

    const db = h.server.store.db;
    const rows = await db
      .selectFrom('meeting')
      .select(['id', 'status', 'slot_id', 'rescheduled_from', 'booked_by'])
      .where('application_id', '=', id)
      .orderBy('created_at')
      .execute();
    expect(rows).toEqual([
      {
        id: booked.body.id,
        status: 'rescheduled',
        slot_id: made['11:00']!.id,
        rescheduled_from: null,
        booked_by: 'applicant',
      },
      {
        id: moved.body.id,
        status: 'cancelled',
        slot_id: made['14:00']!.id,
        rescheduled_from: booked.body.id,
        booked_by: 'applicant',
      },
    ]);

    // The applicant's timeline shows each change; the application's status stays.
    const view = await h.call(user, 'GET', own(id, ''));
    const timeline = view.body.timeline as { status: string; actor: string; note: Record<string, unknown> | null }[];
    const meetings = timeline.filter((e) => e.note !== null && 'meeting' in e.note);
    expect(meetings.map((e) => [e.status, e.actor, e.note!.meeting, e.note!.startsAt])).toEqual([
      ['received', 'applicant', 'booked', made['11:00']!.startsAt],
      ['received', 'applicant', 'rescheduled', made['14:00']!.startsAt],
      ['received', 'applicant', 'cancelled', made['14:00']!.startsAt],
    ]);
    expect(view.body.status).toBe('received');

    // Every write and read is in the audit log, without the personnummer; the chain holds.
    const audit = await db
      .selectFrom('audit_log')
      .select(['actor', 'action', 'object_type', 'object_id', 'purpose', 'details'])
      .where('actor', '=', user)
      .orderBy('id')
      .execute();
    expect(audit.filter((a) => a.object_type === 'meeting').map((a) => [a.purpose, a.object_id])).toEqual([
      ['meeting-booked', booked.body.id],
      ['meeting-rescheduled', moved.body.id],
      ['meeting-cancelled', moved.body.id],
    ]);
    expect(audit.filter((a) => a.purpose === 'meeting-slots-offered')).toHaveLength(3);
    expect(audit.filter((a) => a.purpose === 'own-meeting')).toHaveLength(3);
    const pnr = h.pick.clean![0]!.members[0]!.personnummer;
    const everything = JSON.stringify(await db.selectFrom('audit_log').selectAll().execute());
    expect(everything).not.toContain(pnr);
    expect(everything).not.toContain(pnr.slice(2));
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });

  it('fills the offer from the following working days when the next one has fewer than three (Lövsala)', async () => {
    const { days } = bookingWindow(now());
    const coach = 'lovsala-coach';
    const first = [
      await slot(coach, days[0]!, '13:00', {}, 'lovsala'),
      await slot(coach, days[0]!, '09:15', {}, 'lovsala'),
    ];
    const later = [
      await slot(coach, days[2]!, '10:00', {}, 'lovsala'),
      await slot(coach, days[1]!, '15:00', {}, 'lovsala'),
    ];
    const id = await h.apply('partner', 0, 'new', 'meetings-lovsala', { municipality: 'lovsala' });
    const offered = await h.call(h.user('partner', 0), 'GET', own(id, '/meeting-slots', 'lovsala'));
    expect(offered.status).toBe(200);
    expect(offered.body).toMatchObject({ date: days[0], filledFromLaterDays: true });
    expect((offered.body.slots as Slot[]).map((s) => s.id)).toEqual([first[1]!.id, first[0]!.id, later[1]!.id]);
    expect((offered.body.slots as Slot[]).every((s) => s.coachName === 'Lina Lövdahl')).toBe(true);
  });
});

describe('races and retries', () => {
  it('lets exactly one of two applicants take the same slot at once, every time', async () => {
    const { days } = bookingWindow(now());
    const a = await h.apply('clean', 1, 'new', 'meetings-race-a');
    const b = await h.apply('clean', 2, 'new', 'meetings-race-b');
    const users = [h.user('clean', 1), h.user('clean', 2)] as const;
    const ids = [a, b] as const;
    for (const time of ['08:00', '08:45', '09:30']) {
      const s = await slot('ekby-coach', days[1]!, time);
      const answers = await Promise.all(
        [0, 1].map((i) => h.call(users[i]!, 'POST', own(ids[i]!, '/meeting'), { slotId: s.id }, key('race'))),
      );
      expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
      const lost = answers.find((r) => r.status === 409)!;
      expect(lost.body).toMatchObject({ type: '/problems/conflict', code: 'slot-taken' });
      const active = await h.server.store.db
        .selectFrom('meeting')
        .select('application_id')
        .where('slot_id', '=', s.id)
        .where('status', '=', 'booked')
        .execute();
      expect(active).toHaveLength(1);
      const winner = answers.findIndex((r) => r.status === 201);
      expect(active[0]!.application_id).toBe(ids[winner]);
      expect((await h.call(users[winner]!, 'DELETE', own(ids[winner]!, '/meeting'))).status).toBe(204);
    }
  });

  it('keeps one active booking per application when one applicant books two slots at once', async () => {
    const { days } = bookingWindow(now());
    const id = await h.apply('clean', 3, 'new', 'meetings-double');
    const user = h.user('clean', 3);
    const s = [await slot('ekby-coach', days[1]!, '10:30'), await slot('ekby-coach', days[1]!, '11:30')];
    const answers = await Promise.all(
      s.map((x) => h.call(user, 'POST', own(id, '/meeting'), { slotId: x.id }, key('double'))),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(answers.find((r) => r.status === 409)!.body).toMatchObject({ code: 'already-booked' });
    const active = await h.server.store.db
      .selectFrom('meeting')
      .select('id')
      .where('application_id', '=', id)
      .where('status', '=', 'booked')
      .execute();
    expect(active).toHaveLength(1);
  });

  it('has the database refuse a second active booking of a slot, whatever the code does', async () => {
    const db = h.server.store.db;
    const { days } = bookingWindow(now());
    const s = await slot('ekby-coach', days[2]!, '08:00');
    const [a, b] = [
      await h.apply('clean', 4, 'new', 'meetings-index-a'),
      await h.apply('clean', 5, 'new', 'meetings-index-b'),
    ];
    const meeting = (application: string) => ({
      id: randomUUID(),
      municipality_id: 'ekby',
      application_id: application,
      slot_id: s.id,
      status: 'booked' as const,
      booked_by: 'applicant',
      client_key: null,
      rescheduled_from: null,
    });
    await db.insertInto('meeting').values(meeting(a)).execute();
    await expect(db.insertInto('meeting').values(meeting(b)).execute()).rejects.toThrow(/meeting_active_slot/);
    await db.updateTable('meeting').set({ status: 'cancelled' }).where('slot_id', '=', s.id).execute();
    await db.insertInto('meeting').values(meeting(b)).execute();
  });
});

describe('who may book and see', () => {
  it("answers 404 for another person's application and 409 for a draft", async () => {
    const { days } = bookingWindow(now());
    const s = await slot('ekby-coach', days[3]!, '09:00');
    const id = await h.apply('clean', 6, 'new', 'meetings-others');
    const stranger = h.user('clean', 7);
    expect((await h.call(stranger, 'GET', own(id, '/meeting-slots'))).status).toBe(404);
    expect((await h.call(stranger, 'GET', own(id, '/meeting'))).status).toBe(404);
    expect((await h.call(stranger, 'POST', own(id, '/meeting'), { slotId: s.id }, key('x'))).status).toBe(404);
    expect((await h.call(stranger, 'PUT', own(id, '/meeting'), { slotId: s.id }, key('x'))).status).toBe(404);
    expect((await h.call(stranger, 'DELETE', own(id, '/meeting'))).status).toBe(404);
    // Nor through another municipality's path.
    expect((await h.call(h.user('clean', 6), 'GET', own(id, '/meeting-slots', 'lovsala'))).status).toBe(404);
    expect(
      await h.server.store.db.selectFrom('meeting').select('id').where('application_id', '=', id).execute(),
    ).toEqual([]);

    const draft = await h.call(stranger, 'POST', `${base()}/applications`, { kind: 'new', month: MONTH });
    const draftId = draft.body.id as string;
    const offer = await h.call(stranger, 'GET', own(draftId, '/meeting-slots'), undefined, { 'accept-language': 'en' });
    expect(offer.status).toBe(409);
    expect(offer.body).toMatchObject({ code: 'not-submitted', detail: expect.stringContaining('Submit it first') });
    const book = await h.call(stranger, 'POST', own(draftId, '/meeting'), { slotId: s.id }, key('draft'));
    expect(book.body).toMatchObject({ status: 409, code: 'not-submitted' });
    expect((await h.call(stranger, 'DELETE', own(draftId, '/meeting'))).body).toMatchObject({ code: 'not-submitted' });
    // Staff do not use the applicant's routes.
    expect((await h.call('ekby-coach', 'GET', own(id, '/meeting-slots'))).status).toBe(403);
  });

  it("hides the name of a protected household from the coach's list, fail-closed before the register answers", async () => {
    const { days } = bookingWindow(now());
    const day = days[4]!;
    const open = await applyNamed('clean', 8, 'Nora Exempel');
    const hidden = await applyNamed('protected', 0, 'Skyddad Exempel');
    const s1 = await slot('ekby-coach', day, '09:00');
    const s2 = await slot('ekby-coach', day, '10:00');
    expect((await h.call(h.user('clean', 8), 'POST', own(open, '/meeting'), { slotId: s1.id }, key('b'))).status).toBe(
      201,
    );
    expect(
      (await h.call(h.user('protected', 0), 'POST', own(hidden, '/meeting'), { slotId: s2.id }, key('b'))).status,
    ).toBe(201);
    const list = () => h.call('ekby-coach', 'GET', `${coachSlots()}?from=${day}&to=${day}`);
    type Listed = Slot & {
      booking: { applicationId: string; applicantName: string | null; nameHidden: boolean } | null;
    };
    const bookingOf = async (slotId: string) =>
      ((await list()).body.slots as Listed[]).find((x) => x.id === slotId)!.booking;

    // The register has not answered yet: no names at all.
    expect(await bookingOf(s1.id)).toMatchObject({ applicationId: open, applicantName: null, nameHidden: true });
    await h.drain();
    expect(await bookingOf(s1.id)).toMatchObject({
      applicationId: open,
      applicantName: 'Nora Exempel',
      nameHidden: false,
    });
    expect(await bookingOf(s2.id)).toMatchObject({ applicationId: hidden, applicantName: null, nameHidden: true });
    const listed = await list();
    expect(JSON.stringify(listed.body)).not.toContain('Skyddad');
    expect((listed.body.slots as Listed[]).map((x) => swedishTime(x.startsAt))).toEqual([
      `${day} 09:00`,
      `${day} 10:00`,
    ]);
    const reads = await h.server.store.db
      .selectFrom('audit_log')
      .select(['details'])
      .where('actor', '=', 'ekby-coach')
      .where('purpose', '=', 'coach-slot-list')
      .execute();
    expect(reads.at(-1)!.details).toEqual({ from: day, to: day });
  });
});

describe("coaches' slots", () => {
  it("isolates municipalities: another municipality's coach gets 404; the host's coach handles the partner", async () => {
    const { days } = bookingWindow(now());
    const s = await slot('ekby-coach', days[3]!, '13:00');
    expect((await h.call('lovsala-coach', 'GET', coachSlots())).status).toBe(404);
    const post = await h.call(
      'lovsala-coach',
      'POST',
      coachSlots(),
      { startsAt: 'x', durationMinutes: -1 },
      key('iso'),
    );
    expect(post.status).toBe(404);
    expect((await h.call('lovsala-coach', 'DELETE', `${coachSlots()}/${s.id}`)).status).toBe(404);
    // Ekby hosts Lövsala: its coach keeps slots there too, but only its own.
    const theirs = await slot('lovsala-coach', days[3]!, '13:00', {}, 'lovsala');
    expect((await h.call('ekby-coach', 'DELETE', `${coachSlots('lovsala')}/${theirs.id}`)).status).toBe(404);
    const listed = await h.call('ekby-coach', 'GET', `${coachSlots('lovsala')}?from=${days[3]}&to=${days[3]}`);
    expect(listed).toMatchObject({ status: 200, body: { slots: [] } });
    // A coach is in one place at a time: an overlapping slot in the partner municipality is refused.
    const overlap = await h.call(
      'ekby-coach',
      'POST',
      coachSlots('lovsala'),
      { startsAt: swedishInstant(days[3]!, '13:30').toISOString(), durationMinutes: 30, mode: 'phone' },
      { ...key('overlap'), 'accept-language': 'en' },
    );
    expect(overlap.status).toBe(409);
    expect(overlap.body).toMatchObject({
      code: 'slot-overlap',
      overlaps: { id: s.id, startsAt: s.startsAt },
      detail: `The time overlaps your slot ${days[3]} 13:00–13:45.`,
    });
  });

  it('lets only coaches create slots', async () => {
    const body = {
      startsAt: swedishInstant(nextWorkingDay(now()), '16:00').toISOString(),
      durationMinutes: 30,
      mode: 'phone',
    };
    for (const user of ['ekby-customer-service', 'ekby-caseworker', 'ekby-admin'])
      expect((await h.call(user, 'POST', coachSlots(), body, key('role'))).status).toBe(403);
    expect((await h.call('ekby-caseworker', 'GET', coachSlots())).status).toBe(403);
    expect((await h.call('applicant-1', 'POST', coachSlots(), body, key('role'))).status).toBe(404);
  });

  it('names each bad field, in Swedish or English, with a stable code', async () => {
    const post = (body: unknown, lang = 'en') =>
      h.call('ekby-coach', 'POST', coachSlots(), body, { ...key('bad'), 'accept-language': lang });
    const future = swedishInstant(nextWorkingDay(now()), '17:00').toISOString();
    const negative = await post({ startsAt: future, durationMinutes: -15, mode: 'office' });
    expect(negative.status).toBe(400);
    expect(fields(negative.body)).toEqual(['durationMinutes']);
    expect(codes(negative.body)).toEqual(['too-small']);
    const long = await post({ startsAt: future, durationMinutes: 241, mode: 'office' });
    expect(codes(long.body)).toEqual(['too-big']);
    const past = await post({ startsAt: '2020-01-10T09:00:00+01:00', durationMinutes: 30, mode: 'office' }, 'sv');
    expect(past.status).toBe(400);
    expect(past.body.errors).toEqual([
      { pointer: '/startsAt', field: 'startsAt', code: 'past-time', message: 'Tiden har redan passerat.' },
    ]);
    const noOffset = await post({ startsAt: '2030-01-10T09:00:00', durationMinutes: 30, mode: 'office' });
    expect(codes(noOffset.body)).toEqual(['datetime']);
    const several = await post({
      startsAt: future,
      durationMinutes: 30,
      mode: 'teams',
      repeatWorkingDays: 0,
      extra: 1,
    });
    expect(fields(several.body).sort()).toEqual(['extra', 'mode', 'repeatWorkingDays']);

    const range = await h.call('ekby-coach', 'GET', `${coachSlots()}?from=2026-11-20&to=2026-11-10`, undefined, {
      'accept-language': 'en',
    });
    expect(range.status).toBe(400);
    expect(range.body.errors).toEqual([
      { pointer: '/to', field: 'to', code: 'range-order', message: 'The last day is before the first.' },
    ]);
    const tooLong = await h.call('ekby-coach', 'GET', `${coachSlots()}?from=2026-01-01&to=2026-12-31`);
    expect(codes(tooLong.body)).toEqual(['range-too-long']);
    expect(fields((await h.call('ekby-coach', 'GET', `${coachSlots()}?from=2026-02-30`)).body)).toEqual(['from']);
    expect(
      await h.server.store.db.selectFrom('coach_slot').select('id').where('starts_at', '=', new Date(future)).execute(),
    ).toEqual([]);
  });

  it('refuses to book an unknown slot, one outside the window, or no slot id, naming the field', async () => {
    const id = await h.apply('clean', 9, 'new', 'meetings-bad-booking');
    const user = h.user('clean', 9);
    const book = (body: unknown) =>
      h.call(user, 'POST', own(id, '/meeting'), body, { ...key('bad'), 'accept-language': 'en' });
    const unknown = await book({ slotId: randomUUID() });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([
      { pointer: '/slotId', field: 'slotId', code: 'unknown-slot', message: 'There is no such time.' },
    ]);
    expect(fields((await book({ slotId: 'slot-1' })).body)).toEqual(['slotId']);
    expect(fields((await book({})).body)).toEqual(['slotId']);
    // Six working days ahead is beyond the offer.
    const { days } = bookingWindow(now());
    const late = bookingWindow(new Date(swedishInstant(days[4]!, '12:00'))).days[0]!;
    const far = await slot('ekby-coach', late, '09:00');
    expect(codes((await book({ slotId: far.id })).body)).toEqual(['slot-not-offered']);
    // Another municipality's slot does not exist here.
    const lovsala = await slot('lovsala-coach', days[0]!, '16:00', {}, 'lovsala');
    expect(codes((await book({ slotId: lovsala.id })).body)).toEqual(['unknown-slot']);
    // A withdrawn slot is taken.
    const gone = await slot('ekby-coach', days[0]!, '16:00');
    expect((await h.call('ekby-coach', 'DELETE', `${coachSlots()}/${gone.id}`)).status).toBe(204);
    expect((await book({ slotId: gone.id })).body).toMatchObject({ status: 409, code: 'slot-taken' });
    expect(
      await h.server.store.db.selectFrom('meeting').select('id').where('application_id', '=', id).execute(),
    ).toEqual([]);
  });

  it('creates a slot on several working days, idempotently; withdraws it unless booked', async () => {
    const { days } = bookingWindow(now());
    const body = {
      startsAt: swedishInstant(days[2]!, '16:30').toISOString(),
      durationMinutes: 60,
      mode: 'phone',
      repeatWorkingDays: 3,
    };
    const k = key('repeat');
    const first = await h.call('ekby-coach', 'POST', coachSlots(), body, k);
    expect(first.status).toBe(201);
    const made = first.body.slots as Slot[];
    expect(made.map((s) => swedishTime(s.startsAt))).toEqual([
      `${days[2]} 16:30`,
      `${days[3]} 16:30`,
      `${days[4]} 16:30`,
    ]);
    expect(made.map((s) => swedishTime(s.endsAt).slice(-5))).toEqual(['17:30', '17:30', '17:30']);
    expect(await h.call('ekby-coach', 'POST', coachSlots(), body, k)).toEqual(first);
    const twice = await h.call('ekby-coach', 'POST', coachSlots(), body, key('repeat'));
    expect(twice.body).toMatchObject({ status: 409, code: 'slot-overlap', overlaps: { id: made[0]!.id } });
    expect(
      await h.server.store.db
        .selectFrom('coach_slot')
        .select('id')
        .where('coach_subject', '=', 'ekby-coach')
        .where('client_key', '=', k['idempotency-key'])
        .execute(),
    ).toHaveLength(3);

    // A booked slot stays; a free one goes, and withdrawing it again answers the same.
    const id = await h.apply('clean', 9, 'renewal', 'meetings-withdraw', { month: '2026-12' });
    const user = h.user('clean', 9);
    expect((await h.call(user, 'POST', own(id, '/meeting'), { slotId: made[0]!.id }, key('w'))).status).toBe(201);
    const refused = await h.call('ekby-coach', 'DELETE', `${coachSlots()}/${made[0]!.id}`);
    expect(refused.body).toMatchObject({ status: 409, code: 'slot-booked' });
    expect((await h.call('ekby-coach', 'DELETE', `${coachSlots()}/${made[1]!.id}`)).status).toBe(204);
    expect((await h.call('ekby-coach', 'DELETE', `${coachSlots()}/${made[1]!.id}`)).status).toBe(204);
    expect((await h.call('ekby-coach', 'DELETE', `${coachSlots()}/${randomUUID()}`)).status).toBe(404);
    const listed = await h.call('ekby-coach', 'GET', `${coachSlots()}?from=${days[2]}&to=${days[4]}`);
    const ids = (listed.body.slots as Slot[]).map((s) => s.id);
    expect(ids).toContain(made[0]!.id);
    expect(ids).not.toContain(made[1]!.id);
    // The withdrawn time is free for a new slot.
    await slot('ekby-coach', days[3]!, '16:30');
  });
});

describe('demo slots', () => {
  it('seeds eight 45-minute slots a working day, 08:30–16:00 in Sweden, and nothing new the second time', async () => {
    const db = h.server.store.db;
    const opts = {
      municipality: 'lovsala',
      coachSubject: 'demo-coach',
      coachName: 'Demo Coach',
      from: new Date('2030-12-23T06:00:00Z'), // Monday 07:00 in Sweden; 24–26 December are closed
      workingDays: 2,
    };
    expect(await seedDemoSlots(db, opts)).toBe(16);
    expect(await seedDemoSlots(db, opts)).toBe(0);
    const rows = await db
      .selectFrom('coach_slot')
      .select(['starts_at', 'ends_at', 'mode'])
      .where('coach_subject', '=', 'demo-coach')
      .orderBy('starts_at')
      .execute();
    const starts = times(rows.map((r) => ({ startsAt: new Date(r.starts_at) })));
    expect(starts.slice(0, 8)).toEqual(
      ['08:30', '09:30', '10:30', '11:15', '13:00', '13:45', '14:30', '15:15'].map((t) => `2030-12-23 ${t}`),
    );
    expect(new Set(starts.slice(8).map((s) => s.slice(0, 10)))).toEqual(new Set(['2030-12-27']));
    expect(rows.every((r) => new Date(r.ends_at).getTime() - new Date(r.starts_at).getTime() === 45 * 60_000)).toBe(
      true,
    );
    expect(times([{ startsAt: new Date(rows[7]!.ends_at) }])).toEqual(['2030-12-23 16:00']);
    // Started later in the day: only the slots still ahead.
    expect(
      await seedDemoSlots(db, { ...opts, coachSubject: 'demo-coach-2', from: new Date('2030-12-23T11:00:00Z') }),
    ).toBe(4 + 8);
  });
});
