/**
 * The labour-market coach over real HTTP with real tokens and a real database: the calendar with
 * the booked meeting, meeting notes (an outcome only once the meeting has begun), the plan's
 * versions, measures, exits, the three-month rule at its boundaries (a return on the window's last
 * day reopens the track and voids the exit; a day later it is a new track and the exit counts), the
 * outcome figures, tenant isolation (host and partner), protected identity fail-closed, bad input
 * named by field, idempotent retries, and every read in the audit log.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarMonths, addDays, returnWindow } from '@tillit/domain';
import { looksLikeIdentityNumber, verifyAuditChain } from '../src/audit.ts';
import { seedDemoSlots } from '../src/meetings/seed.ts';
import { swedishDate } from '../src/swedish-time.ts';
import { isCleanRenewal, startHarness } from './pipeline-harness.ts';
import type { Harness } from './pipeline-harness.ts';

let h: Harness;
const today = swedishDate();
const E = '/api/v1/municipalities/ekby/labour-market';
const L = '/api/v1/municipalities/lovsala/labour-market';
const key = (k: string) => ({ 'idempotency-key': `lm-test-${k}` });

beforeAll(async () => {
  h = await startHarness((find) => ({ lm: find(isCleanRenewal, 6) }));
  await seedDemoSlots(h.server.store.db, {
    municipality: 'ekby',
    coachSubject: 'ekby-coach',
    coachName: 'Egon Ekström',
    from: new Date(),
    workingDays: 6,
  });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const db = () => h.server.store.db;

/** The register has answered: no protected identity (or the given answer) for the person's applications. */
async function registerSays(applicationId: string, protectedIdentity: boolean | null = false) {
  await db()
    .updateTable('application')
    .set({ protected_identity: protectedIdentity })
    .where('id', '=', applicationId)
    .execute();
}

/** The participant id of an application's person. */
async function participantOf(applicationId: string): Promise<string> {
  const row = await db()
    .selectFrom('application as a')
    .innerJoin('labour_market_participant as p', (j) =>
      j.onRef('p.municipality_id', '=', 'a.municipality_id').onRef('p.applicant', '=', 'a.applicant'),
    )
    .select('p.id')
    .where('a.id', '=', applicationId)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Moves an application's submission into the past (the person applied back then). */
async function submittedOn(applicationId: string, date: string) {
  await db()
    .updateTable('application')
    .set({ submitted_at: `${date}T10:00:00+01:00` })
    .where('id', '=', applicationId)
    .execute();
}

interface Participant {
  id: string;
  name: string | null;
  track: { state: string; returnedOn: string | null };
  lastExit: { id: string; state: string; counts: boolean; returnedOn: string | null; windowEnds: string } | null;
  exits: { id: string; state: string; counts: boolean; reason: string }[];
  measures: { id: string; endedOn: string | null; endReason: string | null }[];
  plan: { version: number; goals: string[] } | null;
  planVersions: number;
  meetings: { id: string; status: string; notes: { text: string; outcome: string | null }[] }[];
}

const view = async (id: string, user = 'ekby-coach') =>
  (await h.call(user, 'GET', `${E}/participants/${id}`)).body as unknown as Participant;

describe('the coach follows a participant', () => {
  let applicationId: string;
  let participant: string;
  let meetingId: string;
  let slotId: string;

  beforeAll(async () => {
    applicationId = await h.apply('lm', 0, 'new', 'lm-0-first');
    await registerSays(applicationId);
    participant = await participantOf(applicationId);
    const user = h.user('lm', 0);
    const offer = await h.call(user, 'GET', `/api/v1/municipalities/ekby/applications/${applicationId}/meeting-slots`);
    slotId = (offer.body.slots as { id: string }[])[0]!.id;
    const booked = await h.call(
      user,
      'POST',
      `/api/v1/municipalities/ekby/applications/${applicationId}/meeting`,
      { slotId },
      key('book-0'),
    );
    expect(booked.status).toBe(201);
    meetingId = booked.body.id as string;
  });

  it("sees the booked meeting in the calendar, with the participant's id", async () => {
    const cal = await h.call('ekby-coach', 'GET', `/api/v1/municipalities/ekby/coach/slots`);
    expect(cal.status).toBe(200);
    expect(cal.body).toMatchObject({ from: today, today });
    const slot = (cal.body.slots as { id: string; booking: Record<string, unknown> | null }[]).find(
      (s) => s.id === slotId,
    );
    expect(slot?.booking).toMatchObject({ id: meetingId, status: 'booked', participantId: participant });
  });

  it('lists the participant as open; caseworkers read, other roles and municipalities do not', async () => {
    const list = await h.call('ekby-coach', 'GET', `${E}/participants?state=open`);
    expect(list.status).toBe(200);
    const mine = (list.body.participants as { id: string; track: { state: string } }[]).find(
      (p) => p.id === participant,
    );
    expect(mine).toMatchObject({ track: { state: 'open', returnedOn: null }, lastExit: null, ongoingMeasures: 0 });
    const exited = await h.call('ekby-coach', 'GET', `${E}/participants?state=exited`);
    expect((exited.body.participants as { id: string }[]).map((p) => p.id)).not.toContain(participant);
    expect((await h.call('ekby-caseworker', 'GET', `${E}/participants/${participant}`)).status).toBe(200);
    expect((await h.call('ekby-customer-service', 'GET', `${E}/participants/${participant}`)).status).toBe(403);
    expect((await h.call('lovsala-coach', 'GET', `${E}/participants/${participant}`)).status).toBe(404);
    // The id of ekby's participant under lovsala's path (which ekby's staff handle) is not found.
    expect((await h.call('ekby-coach', 'GET', `${L}/participants/${participant}`)).status).toBe(404);
    const bad = await h.call('ekby-coach', 'GET', `${E}/participants?state=gone`, undefined, {
      'accept-language': 'en',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'state', code: 'enum' })]);
  });

  it('writes meeting notes; the outcome only once the meeting has begun; retries write once', async () => {
    const notes = `${E}/meetings/${meetingId}/notes`;
    const before = await h.call(
      'ekby-coach',
      'POST',
      notes,
      { text: 'Förberedelse: tidigare lagerarbete.' },
      key('n1'),
    );
    expect(before.status).toBe(201);
    const early = await h.call(
      'ekby-coach',
      'POST',
      notes,
      { outcome: 'held', text: 'Mötet hölls.' },
      { ...key('n2'), 'accept-language': 'en' },
    );
    expect(early.status).toBe(400);
    expect(early.body.errors).toEqual([expect.objectContaining({ pointer: '/outcome', code: 'not-yet' })]);
    expect(early.body.errors).toEqual([expect.objectContaining({ message: expect.stringContaining('not begun') })]);

    // Time passes: the meeting began half an hour ago.
    const start = new Date(Date.now() - 30 * 60_000);
    await sql`update coach_slot set starts_at = ${start}, ends_at = ${new Date(start.getTime() + 45 * 60_000)} where id = ${slotId}`.execute(
      db(),
    );
    const held = await h.call(
      'ekby-coach',
      'POST',
      notes,
      { outcome: 'held', text: 'Mötet hölls. Söker lagerjobb.' },
      key('n3'),
    );
    expect(held.status).toBe(201);
    const again = await h.call(
      'ekby-coach',
      'POST',
      notes,
      { outcome: 'held', text: 'Mötet hölls. Söker lagerjobb.' },
      key('n3'),
    );
    expect(again).toMatchObject({ status: 200, body: { id: held.body.id } });
    const reused = await h.call('ekby-coach', 'POST', notes, { text: 'Något annat.' }, key('n3'));
    expect(reused).toMatchObject({ status: 409, body: { code: 'idempotency-key-reused' } });
    const empty = await h.call('ekby-coach', 'POST', notes, { text: '   ' }, key('n4'));
    expect(empty.status).toBe(400);
    expect(empty.body.errors).toEqual([expect.objectContaining({ field: 'text' })]);
    expect((await h.call('ekby-caseworker', 'POST', notes, { text: 'x' }, key('n5'))).status).toBe(403);

    const m = await h.call('ekby-caseworker', 'GET', `${E}/meetings/${meetingId}`);
    expect(m.body).toMatchObject({ status: 'held', participantId: participant });
    expect((m.body.notes as { text: string }[]).map((n) => n.text)).toEqual([
      'Förberedelse: tidigare lagerarbete.',
      'Mötet hölls. Söker lagerjobb.',
    ]);
    // The held meeting stays in the calendar, and its slot is not free.
    const cal = await h.call('ekby-coach', 'GET', `/api/v1/municipalities/ekby/coach/slots?from=${addDays(today, -1)}`);
    const slot = (cal.body.slots as { id: string; booking: { status: string } | null }[]).find((s) => s.id === slotId);
    expect(slot?.booking?.status).toBe('held');
    expect((await h.call('ekby-coach', 'DELETE', `/api/v1/municipalities/ekby/coach/slots/${slotId}`)).status).toBe(
      409,
    );
  });

  it('keeps every version of the plan and refuses a change on a stale version', async () => {
    const plan = `${E}/participants/${participant}/plan`;
    const first = {
      basedOnVersion: 0,
      goals: ['Arbete inom lager och logistik'],
      activities: [{ what: 'Truckkort', startsOn: '2026-12-07', endsOn: '2027-01-29' }],
    };
    const v1 = await h.call('ekby-coach', 'PUT', plan, first, key('p1'));
    expect(v1).toMatchObject({
      status: 200,
      body: { version: 1, createdBy: 'ekby-coach', createdByName: 'Egon Ekström' },
    });
    expect((await h.call('ekby-coach', 'PUT', plan, first, key('p1'))).body).toMatchObject({ version: 1 });
    const stale = await h.call('ekby-coach', 'PUT', plan, { ...first, goals: ['Annat'] }, key('p2'));
    expect(stale).toMatchObject({ status: 409, body: { code: 'stale-plan', currentVersion: 1 } });
    const v2 = await h.call(
      'ekby-coach',
      'PUT',
      plan,
      { basedOnVersion: 1, goals: ['Arbete inom lager', 'Körkort B'], activities: [] },
      key('p3'),
    );
    expect(v2.body).toMatchObject({ version: 2, goals: ['Arbete inom lager', 'Körkort B'], activities: [] });
    const versions = await h.call('ekby-auditor', 'GET', plan);
    expect((versions.body.versions as { version: number }[]).map((v) => v.version)).toEqual([2, 1]);
    expect((versions.body.versions as { activities: unknown[] }[])[1]!.activities).toEqual([
      { what: 'Truckkort', startsOn: '2026-12-07', endsOn: '2027-01-29' },
    ]);

    const bad = await h.call(
      'ekby-coach',
      'PUT',
      plan,
      { basedOnVersion: 2, goals: [''], activities: [{ what: 'X', startsOn: '2027-02-01', endsOn: '2027-01-01' }] },
      { ...key('p4'), 'accept-language': 'sv' },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: '/goals/0', field: 'goals[0]', code: 'too-short' }),
        expect.objectContaining({
          pointer: '/activities/0/endsOn',
          code: 'range-order',
          message: 'Slutdatumet ligger före startdatumet.',
        }),
      ]),
    );
    const noKey = await h.call('ekby-coach', 'PUT', plan, { basedOnVersion: 2, goals: [], activities: [] });
    expect(noKey.status).toBe(400);
    expect((await view(participant)).plan).toMatchObject({ version: 2 });
  });

  it('enrols in a measure and ends it; the dates are checked', async () => {
    const measures = `${E}/participants/${participant}/measures`;
    const body = {
      type: 'work-placement',
      provider: 'Ekby Lager AB',
      startsOn: '2026-11-02',
      plannedEndOn: '2027-01-31',
    };
    const m = await h.call('ekby-coach', 'POST', measures, body, key('m1'));
    expect(m).toMatchObject({ status: 201, body: { type: 'work-placement', endedOn: null, startsOn: '2026-11-02' } });
    expect(await h.call('ekby-coach', 'POST', measures, body, key('m1'))).toMatchObject({
      status: 200,
      body: { id: m.body.id },
    });
    const wrongType = await h.call('ekby-coach', 'POST', measures, { ...body, type: 'holiday' }, key('m2'));
    expect(wrongType.body.errors).toEqual([expect.objectContaining({ field: 'type', code: 'enum' })]);
    const end = `${measures}/${m.body.id as string}/end`;
    const future = await h.call('ekby-coach', 'POST', end, { endedOn: addDays(today, 1), reason: 'completed' });
    expect(future.body.errors).toEqual([expect.objectContaining({ field: 'endedOn', code: 'future-date' })]);
    const early = await h.call('ekby-coach', 'POST', end, { endedOn: '2026-11-01', reason: 'completed' });
    expect(early.body.errors).toEqual([expect.objectContaining({ field: 'endedOn', code: 'before-start' })]);
    const ended = await h.call('ekby-coach', 'POST', end, { endedOn: '2026-11-30', reason: 'interrupted' });
    expect(ended).toMatchObject({ status: 200, body: { endedOn: '2026-11-30', endReason: 'interrupted' } });
    expect((await h.call('ekby-coach', 'POST', end, { endedOn: '2026-11-30', reason: 'interrupted' })).status).toBe(
      200,
    );
    expect(await h.call('ekby-coach', 'POST', end, { endedOn: '2026-11-29', reason: 'interrupted' })).toMatchObject({
      status: 409,
      body: { code: 'measure-ended' },
    });
    // A second, ongoing one: the exit will end it.
    expect(
      (await h.call('ekby-coach', 'POST', measures, { ...body, type: 'sfi', provider: 'Komvux Ekby' }, key('m3')))
        .status,
    ).toBe(201);
  });

  it('records an exit to work: it counts provisionally, ongoing measures end, a second exit is refused', async () => {
    const exits = `${E}/participants/${participant}/exits`;
    const future = await h.call(
      'ekby-coach',
      'POST',
      exits,
      { reason: 'work', exitDate: addDays(today, 1) },
      key('e0'),
    );
    expect(future.body.errors).toEqual([expect.objectContaining({ pointer: '/exitDate', code: 'future-date' })]);
    const badReason = await h.call('ekby-coach', 'POST', exits, { reason: 'retired', exitDate: today }, key('e0'));
    expect(badReason.body.errors).toEqual([expect.objectContaining({ field: 'reason', code: 'enum' })]);
    const exit = await h.call(
      'ekby-coach',
      'POST',
      exits,
      { reason: 'work', exitDate: today, note: 'Anställd på lager.' },
      key('e1'),
    );
    expect(exit).toMatchObject({
      status: 201,
      body: {
        reason: 'work',
        exitDate: today,
        state: 'provisional',
        counts: true,
        windowEnds: addCalendarMonths(today, 3),
        recordedBy: 'ekby-coach',
      },
    });
    expect(
      await h.call(
        'ekby-coach',
        'POST',
        exits,
        { reason: 'work', exitDate: today, note: 'Anställd på lager.' },
        key('e1'),
      ),
    ).toMatchObject({
      status: 200,
      body: { id: exit.body.id },
    });
    expect(await h.call('ekby-coach', 'POST', exits, { reason: 'studies', exitDate: today }, key('e2'))).toMatchObject({
      status: 409,
      body: { code: 'already-exited' },
    });
    const measure = await h.call(
      'ekby-coach',
      'POST',
      `${E}/participants/${participant}/measures`,
      { type: 'education', provider: 'Komvux', startsOn: today },
      key('m4'),
    );
    expect(measure).toMatchObject({ status: 409, body: { code: 'track-exited' } });
    const v = await view(participant);
    expect(v.track.state).toBe('exited');
    expect(v.measures.map((m) => [m.endedOn, m.endReason])).toEqual([
      ['2026-11-30', 'interrupted'],
      [today, 'exit'],
    ]);
  });

  it('a return the same day is not a return; one later reopens the track and voids the exit', async () => {
    // Applying again on the exit day itself: made while still on the track.
    const again = await h.apply('lm', 0, 'renewal', 'lm-0-again', { month: '2027-01' });
    await registerSays(again);
    const v = await view(participant);
    expect(v.track).toEqual({ state: 'exited', returnedOn: null });
    expect(v.lastExit).toMatchObject({ state: 'provisional', counts: true });
  });
});

describe('the three-month rule at its boundaries', () => {
  /** The earliest exit day whose window still contains today: a return today voids it; one day earlier, not. */
  let inside = addDays(addCalendarMonths(today, -3), -5);
  while (returnWindow(inside).through < today) inside = addDays(inside, 1);
  const outside = addDays(inside, -1);

  /** Person `index` applied 10 days before `exitDay`, exits to `reason` that day, and applies again today. */
  async function exitThenReturn(index: number, exitDay: string, reason: 'work' | 'studies') {
    const first = await h.apply('lm', index, 'new', `lm-${index}-first`, { month: exitDay.slice(0, 7) });
    await submittedOn(first, addDays(exitDay, -10));
    await registerSays(first);
    const id = await participantOf(first);
    const exit = await h.call(
      'ekby-coach',
      'POST',
      `${E}/participants/${id}/exits`,
      { reason, exitDate: exitDay },
      key(`x${index}`),
    );
    expect(exit.status).toBe(201);
    expect((await view(id)).track.state).toBe('exited');
    const back = await h.apply('lm', index, 'new', `lm-${index}-back`, { month: today.slice(0, 7) });
    await registerSays(back);
    return id;
  }

  it('preconditions: today is the last day of the window of `inside`, not of `outside`', () => {
    expect(returnWindow(inside).through >= today).toBe(true);
    expect(returnWindow(outside).through < today).toBe(true);
  });

  it('a return on the last day of the three months reopens the track and the exit no longer counts', async () => {
    const id = await exitThenReturn(1, inside, 'work');
    const v = await view(id);
    expect(v.track).toEqual({ state: 'reopened', returnedOn: today });
    expect(v.lastExit).toMatchObject({ state: 'voided', counts: false, returnedOn: today });
    const list = await h.call('ekby-coach', 'GET', `${E}/participants?state=reopened`);
    expect((list.body.participants as { id: string }[]).map((p) => p.id)).toContain(id);
  });

  it('a return the day after the window is a new track: the exit counts for good', async () => {
    const id = await exitThenReturn(2, outside, 'studies');
    const v = await view(id);
    expect(v.track).toEqual({ state: 'open', returnedOn: today });
    expect(v.lastExit).toMatchObject({ state: 'final', counts: true, returnedOn: null });
    // A new exit is possible on the new track, after the last one.
    const exits = `${E}/participants/${id}/exits`;
    const before = await h.call('ekby-coach', 'POST', exits, { reason: 'other', exitDate: outside }, key('x2b'));
    expect(before.body.errors).toEqual([expect.objectContaining({ field: 'exitDate', code: 'before-last-exit' })]);
  });

  it('the outcome figures count exits by reason and month, voided ones apart', async () => {
    const from = outside.slice(0, 7);
    const res = await h.call('ekby-admin', 'GET', `${E}/outcomes?from=${from}&to=${today.slice(0, 7)}`);
    expect(res.status).toBe(200);
    const months = res.body.months as {
      month: string;
      counted: Record<string, number>;
      voided: number;
      provisional: number;
    }[];
    const byMonth = (m: string) => months.find((x) => x.month === m)!;
    // This month: the first participant's exit to work, still provisional.
    expect(byMonth(today.slice(0, 7))).toMatchObject({ counted: { work: 1, studies: 0, other: 0 }, provisional: 1 });
    // The one who returned within three months is voided; the one who came back a day later counts (studies).
    expect(res.body.total).toMatchObject({
      counted: { work: 1, studies: 1, other: 0 },
      total: 2,
      voided: 1,
      provisional: 1,
      workOrStudiesPercent: 100,
    });
    expect(byMonth(inside.slice(0, 7)).voided).toBe(1);
    expect(byMonth(outside.slice(0, 7)).counted.studies).toBe(1);
    expect((await h.call('ekby-customer-service', 'GET', `${E}/outcomes`)).status).toBe(403);
    const bad = await h.call('ekby-coach', 'GET', `${E}/outcomes?from=2026-13`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'from', code: 'format' })]);
    const long = await h.call('ekby-coach', 'GET', `${E}/outcomes?from=2020-01&to=2026-12`);
    expect(long.body.errors).toEqual([expect.objectContaining({ field: 'to', code: 'range-too-long' })]);
  });
});

describe('tenants and protected identity', () => {
  it("the host's coach handles the partner's participants; the partner's coach does not see the host's", async () => {
    const app = await h.apply('lm', 3, 'new', 'lm-3-lovsala', { municipality: 'lovsala' });
    await registerSays(app);
    const id = await participantOf(app);
    expect((await h.call('ekby-coach', 'GET', `${L}/participants/${id}`)).status).toBe(200);
    expect((await h.call('lovsala-coach', 'GET', `${L}/participants/${id}`)).status).toBe(200);
    expect((await h.call('ekby-coach', 'GET', `${E}/participants/${id}`)).status).toBe(404);
    const ekbyList = await h.call('ekby-coach', 'GET', `${E}/participants`);
    expect((ekbyList.body.participants as { id: string }[]).map((p) => p.id)).not.toContain(id);
    const write = await h.call(
      'lovsala-coach',
      'POST',
      `${E}/participants/${id}/exits`,
      { reason: 'work', exitDate: today },
      key('t1'),
    );
    expect(write.status).toBe(404);
  });

  it('a household with protected identity, or not yet known, is visible only with the claim', async () => {
    const app = await h.apply('lm', 4, 'new', 'lm-4-protected');
    const id = await participantOf(app);
    for (const answer of [null, true] as const) {
      await registerSays(app, answer);
      expect((await h.call('ekby-coach', 'GET', `${E}/participants/${id}`)).status).toBe(404);
      expect((await h.call('ekby-caseworker', 'GET', `${E}/participants/${id}`)).status).toBe(404);
      const list = await h.call('ekby-coach', 'GET', `${E}/participants`);
      expect((list.body.participants as { id: string }[]).map((p) => p.id)).not.toContain(id);
      const write = await h.call(
        'ekby-coach',
        'PUT',
        `${E}/participants/${id}/plan`,
        { basedOnVersion: 0, goals: [], activities: [] },
        key(`pi-${answer}`),
      );
      expect(write.status).toBe(404);
      expect((await h.call('ekby-protected-caseworker', 'GET', `${E}/participants/${id}`)).status).toBe(200);
    }
  });
});

describe('the audit log', () => {
  it('has every read and write, with no identity number, and the chain verifies', async () => {
    const rows = await db()
      .selectFrom('audit_log')
      .select(['purpose', 'object_type', 'details', 'actor'])
      .where('purpose', 'like', 'labour-market%')
      .execute();
    const purposes = new Set(rows.map((r) => r.purpose));
    for (const p of [
      'labour-market-participant-list',
      'labour-market-participant-view',
      'labour-market-plan-view',
      'labour-market-plan-saved',
      'labour-market-measure-enrolled',
      'labour-market-measure-ended',
      'labour-market-exit-recorded',
      'labour-market-outcomes',
    ])
      expect(purposes, p).toContain(p);
    const notes = await db().selectFrom('audit_log').select('purpose').where('object_type', '=', 'meeting').execute();
    expect(notes.map((n) => n.purpose)).toEqual(expect.arrayContaining(['meeting-note-written', 'meeting-notes-view']));
    // No personnummer (a UUID's last group may be twelve digits by chance: not one).
    expect(looksLikeIdentityNumber(JSON.stringify(rows))).toBe(false);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true });
  });
});
