/**
 * Messages and appeals over real HTTP with real tokens, on decided applications from the real
 * pipeline (authority simulator, rule book, database): a conversation both ways with read status,
 * idempotent retries, appeals in time and late (the decision's date moved back in the database),
 * notification by a delivered letter, the caseworker's outcomes, the host municipality handling
 * its partner's appeal, protected identity (fail-closed), tenant isolation, roles, bad input
 * named by field, and the audit log. Also the appeal deadline itself (pure): weekends and holidays.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTraits } from '@tillit/authority-sim';
import { addDays } from '@tillit/domain';
import { verifyAuditChain } from '../src/audit.ts';
import { appealDeadline, appealTiming, isVardag } from '../src/conversations/deadline.ts';
import { swedishDate } from '../src/swedish-time.ts';
import { isCleanRenewal, startHarness } from './pipeline-harness.ts';
import type { Harness } from './pipeline-harness.ts';

describe('the appeal deadline (förvaltningslagen 44 §, lagen (1930:173))', () => {
  it('is the same weekday three weeks after notification when that is a weekday', () => {
    expect(appealDeadline('2026-11-02')).toBe('2026-11-23'); // Monday → Monday
    expect(appealDeadline('2026-11-05')).toBe('2026-11-26'); // Thursday → Thursday
    // Walpurgis Eve (valborgsmässoafton) is a weekday in the sense of the law.
    expect(appealDeadline('2026-04-09')).toBe('2026-04-30');
    // Whit Monday has not been a public holiday since 2005.
    expect(appealDeadline('2025-05-19')).toBe('2025-06-09');
  });

  it('moves a Saturday or Sunday to the Monday after', () => {
    expect(appealDeadline('2026-11-07')).toBe('2026-11-30'); // Saturday 28 Nov → Monday 30 Nov
    expect(appealDeadline('2026-11-08')).toBe('2026-11-30'); // Sunday 29 Nov → Monday 30 Nov
  });

  it('moves a public holiday, Midsummer Eve, Christmas Eve and New Year’s Eve to the next weekday', () => {
    // Christmas Eve (Thu), Christmas Day (Fri), Boxing Day (Sat), Sunday → Monday 28 Dec.
    expect(appealDeadline('2026-12-03')).toBe('2026-12-28');
    // New Year's Eve (Thu), New Year's Day (Fri), the weekend → Monday 4 Jan.
    expect(appealDeadline('2026-12-10')).toBe('2027-01-04');
    // Epiphany (Wed 6 Jan 2027) → Thursday.
    expect(appealDeadline('2026-12-16')).toBe('2027-01-07');
    // Midsummer Eve (Fri 19 Jun 2026), Midsummer Day (Sat), Sunday → Monday 22 Jun.
    expect(appealDeadline('2026-05-29')).toBe('2026-06-22');
    // Good Friday 2027 (26 Mar), Easter weekend, Easter Monday (29 Mar) → Tuesday 30 Mar.
    expect(appealDeadline('2027-03-05')).toBe('2027-03-30');
    // 1 May 2026 is a Friday → Monday 4 May; Ascension Day (Thu 14 May 2026) → Friday.
    expect(appealDeadline('2026-04-10')).toBe('2026-05-04');
    expect(appealDeadline('2026-04-23')).toBe('2026-05-15');
    // National Day, Friday 6 June 2025 → Monday 9 June.
    expect(appealDeadline('2025-05-16')).toBe('2025-06-09');
  });

  it('closes exactly the days lagen (1930:173) 2 § names: the weekdays of 2026 that are not vardagar', () => {
    const closedWeekdays: string[] = [];
    for (let d = '2026-01-01'; d <= '2026-12-31'; d = addDays(d, 1)) {
      const weekday = new Date(`${d}T12:00:00Z`).getUTCDay();
      if (weekday !== 0 && weekday !== 6 && !isVardag(d)) closedWeekdays.push(d);
    }
    expect(closedWeekdays).toEqual([
      '2026-01-01', // nyårsdagen
      '2026-01-06', // trettondedag jul
      '2026-04-03', // långfredagen
      '2026-04-06', // annandag påsk
      '2026-05-01', // första maj
      '2026-05-14', // Kristi himmelsfärdsdag
      '2026-06-19', // midsommarafton
      '2026-12-24', // julafton
      '2026-12-25', // juldagen
      '2026-12-31', // nyårsafton
    ]);
  });

  it('for every notification day of 2026: the first vardag on or after three weeks, never earlier', () => {
    for (let d = '2026-01-01'; d <= '2026-12-31'; d = addDays(d, 1)) {
      const threeWeeks = addDays(d, 21);
      const deadline = appealDeadline(d);
      expect(isVardag(deadline)).toBe(true);
      for (let x = threeWeeks; x < deadline; x = addDays(x, 1)) expect(isVardag(x)).toBe(false);
      if (isVardag(threeWeeks)) expect(deadline).toBe(threeWeeks);
      expect(deadline >= threeWeeks && deadline <= addDays(threeWeeks, 4)).toBe(true);
    }
  });

  it('counts an appeal on the deadline as in time and one the day after as late', () => {
    expect(appealTiming('2026-11-07', '2026-11-30')).toEqual({ deadline: '2026-11-30', withinDeadline: true });
    expect(appealTiming('2026-11-07', '2026-12-01')).toEqual({ deadline: '2026-11-30', withinDeadline: false });
    expect(appealTiming('2026-11-07', '2026-11-07').withinDeadline).toBe(true);
  });
});

let h: Harness;
beforeAll(async () => {
  h = await startHarness((find) => ({
    clean: find(isCleanRenewal, 5),
    partner: find(isCleanRenewal, 1, '9902'),
    protected: find((x) => hasTraits(x, 'protected-identity', 'single'), 1),
  }));
  await h.confirm2026();
});
afterAll(async () => {
  await h?.close();
});

const own = (id: string, rest: string, m = 'ekby') => `/api/v1/municipalities/${m}/applications/${id}${rest}`;
const ofCase = (id: string, rest: string, m = 'ekby') => `/api/v1/municipalities/${m}/cases/${id}${rest}`;
const queue = (m: string, status?: string) =>
  `/api/v1/municipalities/${m}/appeals${status !== undefined ? `?status=${status}` : ''}`;
const outcomePath = (appealId: string, m = 'ekby') => `/api/v1/municipalities/${m}/appeals/${appealId}/outcome`;
const key = (k: string) => ({ 'idempotency-key': k });
const errors = (body: unknown) => (body as { errors: { field: string; code: string; message: string }[] }).errors;
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);

type Msg = { id: string; sender: string; authorName: string; body: string; createdAt: string; read: boolean };
type QueueItem = { id: string; applicationId: string; status: string; withinDeadline: boolean; deadline: string };

/** A clean renewal in Ekby, decided automatically (bifall); returns the application's id. */
async function decided(index: number, k: string): Promise<string> {
  const id = await h.apply('clean', index, 'renewal', k);
  expect(await h.drain()).toEqual(['decided']);
  return id;
}

/** The ids in a staff member's appeal queue. */
async function queueIds(user: string, m: string, status?: string): Promise<string[]> {
  return ((await h.call(user, 'GET', queue(m, status))).body as unknown as QueueItem[]).map((a) => a.id);
}

/** An application by the key it was submitted with. */
async function applicationByKey(k: string): Promise<string> {
  const row = await h.server.store.db
    .selectFrom('application')
    .select('id')
    .where('client_key', '=', k)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** How many rows an application has in a table. */
async function rowsOf(table: 'message' | 'appeal', id: string): Promise<number> {
  return (await h.server.store.db.selectFrom(table).select('id').where('application_id', '=', id).execute()).length;
}

async function decisionOf(id: string): Promise<string> {
  const d = await h.server.store.db
    .selectFrom('decision')
    .select('id')
    .where('application_id', '=', id)
    .executeTakeFirstOrThrow();
  return d.id;
}

/** The decision made `days` days ago, as far as the database can tell. */
async function decidedDaysAgo(id: string, days: number): Promise<void> {
  await h.server.store.db
    .updateTable('decision')
    .set({ created_at: daysAgo(days) })
    .where('application_id', '=', id)
    .execute();
}

async function timelineNotes(applicant: string, id: string, m = 'ekby') {
  const view = await h.call(applicant, 'GET', own(id, '', m));
  return (view.body.timeline as { actor: string; note: { event?: string } | null }[]).filter(
    (e) => e.note !== null && typeof e.note.event === 'string',
  );
}

async function auditRows(objectId: string | null, purpose: string) {
  let q = h.server.store.db.selectFrom('audit_log').selectAll().where('purpose', '=', purpose);
  if (objectId !== null) q = q.where('object_id', '=', objectId);
  return q.orderBy('id').execute();
}

async function acknowledgeAll(user: string, id: string) {
  const view = await h.call(user, 'GET', ofCase(id, ''));
  for (const f of (view.body.flags as { id: string; status: string }[]).filter((x) => x.status === 'open'))
    expect(
      (await h.call(user, 'POST', ofCase(id, `/flags/${f.id}/acknowledge`), { note: 'Kontrollerat.' })).status,
    ).toBe(200);
}

describe('messages', () => {
  it('goes both ways with names and read status; retries write nothing twice; staff messages are on the timeline', async () => {
    const id = await decided(0, 'conv-messages');
    const applicant = h.user('clean', 0);
    const cw = 'ekby-caseworker';

    const first = await h.call(
      applicant,
      'POST',
      own(id, '/messages'),
      { body: '  Hej! När betalas pengarna ut?  ' },
      key('msg-applicant-1'),
    );
    expect(first.status).toBe(201);
    expect(Object.keys(first.body).sort()).toEqual(['createdAt', 'id']);
    const retry = await h.call(
      applicant,
      'POST',
      own(id, '/messages'),
      { body: 'Hej! När betalas pengarna ut?' },
      key('msg-applicant-1'),
    );
    expect(retry).toEqual(first);

    // Before any caseworker has read it, it is unread.
    let mine = (await h.call(applicant, 'GET', own(id, '/messages'))).body as unknown as Msg[];
    expect(mine).toEqual([
      {
        id: first.body.id,
        sender: 'applicant',
        authorName: 'Du',
        body: 'Hej! När betalas pengarna ut?',
        createdAt: first.body.createdAt,
        read: false,
      },
    ]);

    // An auditor reads the thread without marking it read; the caseworker's read marks it.
    const audited = (await h.call('ekby-auditor', 'GET', ofCase(id, '/messages'))).body as unknown as Msg[];
    expect(audited.map((m) => m.read)).toEqual([false]);
    const staffView = await h.call(cw, 'GET', ofCase(id, '/messages'), undefined, { 'accept-language': 'en' });
    expect(staffView.status).toBe(200);
    expect(staffView.body).toEqual([
      expect.objectContaining({ sender: 'applicant', authorName: 'The applicant', read: true }),
    ]);
    mine = (await h.call(applicant, 'GET', own(id, '/messages'))).body as unknown as Msg[];
    expect(mine.map((m) => m.read)).toEqual([true]);

    const answer = await h.call(
      cw,
      'POST',
      ofCase(id, '/messages'),
      { body: 'Hej! Pengarna betalas den 25:e.' },
      key('msg-staff-1'),
    );
    expect(answer.status).toBe(201);
    expect(
      (
        await h.call(
          cw,
          'POST',
          ofCase(id, '/messages'),
          { body: 'Hej! Pengarna betalas den 25:e.' },
          key('msg-staff-1'),
        )
      ).body,
    ).toEqual(answer.body);
    // The same key from the other side is another message.
    const second = await h.call(applicant, 'POST', own(id, '/messages'), { body: 'Tack!' }, key('msg-staff-1'));
    expect(second.status).toBe(201);
    expect(second.body.id).not.toBe(answer.body.id);

    // Staff see their answer unread until the applicant reads the thread.
    let staffThread = (await h.call(cw, 'GET', ofCase(id, '/messages'))).body as unknown as Msg[];
    expect(staffThread.map((m) => [m.sender, m.authorName, m.read])).toEqual([
      ['applicant', 'Den sökande', true],
      ['staff', 'Erika Ek', false],
      ['applicant', 'Den sökande', true],
    ]);
    mine = (await h.call(applicant, 'GET', own(id, '/messages'), undefined, { 'accept-language': 'en' }))
      .body as unknown as Msg[];
    expect(mine.map((m) => [m.sender, m.authorName, m.body, m.read])).toEqual([
      ['applicant', 'You', 'Hej! När betalas pengarna ut?', true],
      ['staff', 'Erika Ek', 'Hej! Pengarna betalas den 25:e.', true],
      ['applicant', 'You', 'Tack!', true],
    ]);
    staffThread = (await h.call(cw, 'GET', ofCase(id, '/messages'))).body as unknown as Msg[];
    expect(staffThread[1]!.read).toBe(true);

    const stored = await h.server.store.db.selectFrom('message').selectAll().where('application_id', '=', id).execute();
    expect(stored).toHaveLength(3);
    expect(stored.find((m) => m.sender === 'staff')).toMatchObject({ author: cw, author_name: 'Erika Ek' });
    expect(stored.filter((m) => m.sender === 'applicant').every((m) => m.author_name === null)).toBe(true);

    // One timeline event for the one staff message, by the caseworker; none for the applicant's.
    const events = await timelineNotes(applicant, id);
    expect(events).toEqual([
      {
        at: expect.any(String),
        status: 'decided',
        actor: cw,
        note: { event: 'message-from-staff', message: answer.body.id },
      },
    ]);

    // Every read and write is in the audit log, by the subject; nothing identifies the household.
    expect(await auditRows(id, 'own-messages')).toHaveLength(3);
    const staffReads = await auditRows(id, 'case-messages');
    expect(staffReads.map((r) => [r.actor, r.action, r.municipality_id, r.object_type])).toEqual([
      ['ekby-auditor', 'read', 'ekby', 'case'],
      [cw, 'read', 'ekby', 'case'],
      [cw, 'read', 'ekby', 'case'],
      [cw, 'read', 'ekby', 'case'],
    ]);
    const writes = await h.server.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('purpose', '=', 'message-sent')
      .where(
        'object_id',
        'in',
        stored.map((m) => m.id),
      )
      .execute();
    expect(writes.map((w) => (w.details as { sender: string }).sender).sort()).toEqual([
      'applicant',
      'applicant',
      'staff',
    ]);
    const pnr = h.pick.clean![0]!.members[0]!.personnummer;
    expect(JSON.stringify([...staffReads, ...writes])).not.toContain(pnr);
    expect((await verifyAuditChain(h.server.store.db)).ok).toBe(true);
  });

  it('names each bad field, in Swedish or English, and stores nothing', async () => {
    const id = await decided(1, 'conv-bad-messages');
    const applicant = h.user('clean', 1);
    const post = (body: unknown, lang = 'en', headers: Record<string, string> = key('bad-message')) =>
      h.call(applicant, 'POST', own(id, '/messages'), body, { 'accept-language': lang, ...headers });

    const empty = await post({ body: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.body.type).toBe('/problems/invalid-input');
    expect(errors(empty.body)).toEqual([
      { pointer: '/body', field: 'body', code: 'empty', message: 'This field cannot be empty.' },
    ]);
    expect(errors((await post({ body: '' }, 'sv')).body)[0]!.message).toBe('Fältet får inte vara tomt.');
    expect(errors((await post({ body: 'x'.repeat(4001) })).body).map((e) => [e.field, e.code])).toEqual([
      ['body', 'too-long'],
    ]);
    expect(errors((await post({ body: 'Hej', extra: 1 })).body).map((e) => [e.field, e.code])).toEqual([
      ['extra', 'unknown-field'],
    ]);
    expect(errors((await post({})).body).map((e) => [e.field, e.code])).toEqual([['body', 'required']]);
    expect((await post({ body: 'Hej' }, 'en', {})).status).toBe(400);
    // 4 000 characters is the most, and allowed.
    expect((await post({ body: 'x'.repeat(4000) })).status).toBe(201);
    expect(
      await h.server.store.db.selectFrom('message').select('body').where('application_id', '=', id).execute(),
    ).toEqual([{ body: 'x'.repeat(4000) }]);

    const cw = await h.call(
      'ekby-caseworker',
      'POST',
      ofCase(id, '/messages'),
      { body: '' },
      { 'accept-language': 'en', ...key('bad-staff') },
    );
    expect(errors(cw.body).map((e) => [e.field, e.code])).toEqual([['body', 'empty']]);
  });

  it('is 404 to another applicant and to another municipality’s staff, 403 to the wrong role', async () => {
    const id = await applicationByKey('conv-messages');
    for (const other of [h.user('clean', 1), 'applicant-1']) {
      expect((await h.call(other, 'GET', own(id, '/messages'))).status).toBe(404);
      expect((await h.call(other, 'POST', own(id, '/messages'), { body: 'Hej' }, key('intruder-1'))).status).toBe(404);
    }
    expect((await h.call('lovsala-caseworker', 'GET', ofCase(id, '/messages'))).status).toBe(404);
    const foreign = await h.call(
      'lovsala-caseworker',
      'POST',
      ofCase(id, '/messages'),
      { body: '' },
      key('intruder-2'),
    );
    expect(foreign.body).toMatchObject({ status: 404, type: '/problems/not-found' });
    expect((await h.call('ekby-customer-service', 'GET', ofCase(id, '/messages'))).status).toBe(403);
    expect((await h.call('ekby-coach', 'POST', ofCase(id, '/messages'), { body: 'Hej' }, key('coach-1'))).status).toBe(
      403,
    );
    expect(
      (await h.call('ekby-auditor', 'POST', ofCase(id, '/messages'), { body: 'Hej' }, key('auditor-1'))).status,
    ).toBe(403);
    // Nothing was written by any of them.
    expect(await rowsOf('message', id)).toBe(3);
  });
});

describe('appeals', () => {
  it('receives an appeal in time, once; the caseworker forwards it to the court; every read is logged', async () => {
    const id = await decided(2, 'conv-appeal-in-time');
    const applicant = h.user('clean', 2);
    const today = swedishDate();
    const body = {
      reasons: 'Hyran är högre än det ni har räknat med.',
      requestedChange: 'Räkna med hela hyran.',
      receivedOn: today,
    };

    expect((await h.call(applicant, 'GET', own(id, '/appeal'))).status).toBe(404);
    // The day the decision was received cannot be in the future: named, and nothing stored.
    const future = await h.call(
      applicant,
      'POST',
      own(id, '/appeal'),
      { ...body, receivedOn: addDays(today, 1) },
      { ...key('appeal-future'), 'accept-language': 'en' },
    );
    expect(future.status).toBe(400);
    expect(future.body.errors).toEqual([
      expect.objectContaining({
        field: 'receivedOn',
        code: 'future-date',
        message: 'The date cannot be later than today.',
      }),
    ]);
    expect(await rowsOf('appeal', id)).toBe(0);
    const lodged = await h.call(applicant, 'POST', own(id, '/appeal'), body, key('appeal-in-time'));
    expect(lodged.status).toBe(201);
    expect(lodged.body).toEqual({
      id: expect.any(String),
      status: 'received',
      lodgedAt: expect.any(String),
      withinDeadline: true,
      deadline: appealDeadline(today),
      reasons: body.reasons,
      requestedChange: body.requestedChange,
      receivedOn: today,
      handledAt: null,
    });
    expect((lodged.body.deadline as string) >= addDays(today, 21)).toBe(true);
    const appealId = lodged.body.id as string;
    // The same key answers the same; another key is a second appeal of the same decision.
    expect(await h.call(applicant, 'POST', own(id, '/appeal'), body, key('appeal-in-time'))).toEqual(lodged);
    const second = await h.call(applicant, 'POST', own(id, '/appeal'), body, {
      ...key('appeal-again'),
      'accept-language': 'en',
    });
    expect(second.body).toMatchObject({
      status: 409,
      type: '/problems/conflict',
      conflict: 'already-appealed',
      detail: 'The decision has already been appealed.',
    });
    expect((await h.call(applicant, 'GET', own(id, '/appeal'))).body).toEqual(lodged.body);
    expect(await rowsOf('appeal', id)).toBe(1);

    const cw = 'ekby-caseworker';
    const staffView = await h.call(cw, 'GET', ofCase(id, '/appeal'));
    expect(staffView.body).toEqual({
      ...lodged.body,
      applicationId: id,
      decisionId: await decisionOf(id),
      notifiedOn: today,
      notifiedBy: 'decision',
      handledBy: null,
      note: null,
    });
    const received = (await h.call(cw, 'GET', queue('ekby', 'received'))).body as unknown as QueueItem[];
    const item = received.find((a) => a.id === appealId);
    expect(item).toEqual({
      id: appealId,
      applicationId: id,
      lodgedAt: lodged.body.lodgedAt,
      withinDeadline: true,
      deadline: lodged.body.deadline,
      status: 'received',
    });

    // In time: it cannot be rejected as late.
    const reject = await h.call(cw, 'POST', outcomePath(appealId), { outcome: 'rejected-late', note: 'För sent.' });
    expect(reject.body).toMatchObject({ status: 409, conflict: 'not-late' });
    const note = 'Beslutet står fast; överlämnat till förvaltningsrätten med handlingarna.';
    const forwarded = await h.call(cw, 'POST', outcomePath(appealId), { outcome: 'forwarded', note });
    expect(forwarded.status).toBe(200);
    expect(forwarded.body).toMatchObject({ id: appealId, status: 'forwarded', handledBy: cw, note });
    expect(swedishDate(new Date(forwarded.body.handledAt as string))).toBe(today);
    expect(await h.call(cw, 'POST', outcomePath(appealId), { outcome: 'forwarded', note: 'Igen.' })).toEqual(forwarded);
    const other = await h.call(cw, 'POST', outcomePath(appealId), { outcome: 'omprövning-changed', note: 'Ändrat.' });
    expect(other.body).toMatchObject({ status: 409, conflict: 'already-handled' });

    expect(await queueIds(cw, 'ekby', 'received')).not.toContain(appealId);
    expect(await queueIds(cw, 'ekby', 'forwarded')).toContain(appealId);
    expect((await h.call(applicant, 'GET', own(id, '/appeal'))).body).toMatchObject({
      status: 'forwarded',
      handledAt: forwarded.body.handledAt,
    });

    const events = await timelineNotes(applicant, id);
    expect(events.map((e) => [e.actor, e.note])).toEqual([
      ['applicant', { event: 'appeal-lodged', appeal: appealId, withinDeadline: true, deadline: lodged.body.deadline }],
      [cw, { event: 'appeal-handled', appeal: appealId, outcome: 'forwarded' }],
    ]);
    expect((await auditRows(appealId, 'appeal-lodged')).map((r) => [r.action, r.role])).toEqual([
      ['write', 'applicant'],
    ]);
    expect((await auditRows(appealId, 'appeal-handled')).map((r) => [r.action, r.actor])).toEqual([['write', cw]]);
    expect((await auditRows(id, 'own-appeal')).map((r) => r.action)).toEqual(['read', 'read', 'read']);
    expect((await auditRows(id, 'case-appeal')).map((r) => [r.actor, r.action])).toEqual([[cw, 'read']]);
    const queueReads = await auditRows(null, 'appeal-queue');
    expect(queueReads.map((r) => [r.actor, r.details])).toEqual([
      [cw, { status: 'received' }],
      [cw, { status: 'received' }],
      [cw, { status: 'forwarded' }],
    ]);
    const pnr = h.pick.clean![2]!.members[0]!.personnummer;
    expect(JSON.stringify(received)).not.toContain(pnr);
    expect(JSON.stringify(received)).not.toContain('reasons');
  });

  it('keeps a late appeal, says the deadline; only a late one may be rejected as late', async () => {
    const id = await decided(3, 'conv-appeal-late');
    await decidedDaysAgo(id, 30);
    const applicant = h.user('clean', 3);
    const notifiedOn = swedishDate(daysAgo(30));
    const lodged = await h.call(
      applicant,
      'POST',
      own(id, '/appeal'),
      { reasons: 'Jag fick beslutet sent.' },
      key('appeal-late'),
    );
    expect(lodged.status).toBe(201);
    expect(lodged.body).toMatchObject({
      status: 'received',
      withinDeadline: false,
      deadline: appealDeadline(notifiedOn),
      requestedChange: null,
    });
    expect((lodged.body.deadline as string) < swedishDate()).toBe(true);
    const stored = await h.call('ekby-caseworker', 'GET', ofCase(id, '/appeal'));
    expect(stored.body).toMatchObject({ notifiedOn, notifiedBy: 'decision', withinDeadline: false });

    const rejected = await h.call('ekby-caseworker', 'POST', outcomePath(lodged.body.id as string), {
      outcome: 'rejected-late',
      note: 'Överklagandet kom in efter tre veckor och avvisas (45 §).',
    });
    expect(rejected.body).toMatchObject({
      status: 'rejected-late',
      withinDeadline: false,
      handledBy: 'ekby-caseworker',
    });
    expect((await h.call(applicant, 'GET', own(id, '/appeal'))).body).toMatchObject({
      status: 'rejected-late',
      withinDeadline: false,
    });
  });

  it('counts the deadline from the earliest delivered decision letter when there is one', async () => {
    const id = await decided(4, 'conv-appeal-letter');
    await decidedDaysAgo(id, 30);
    const db = h.server.store.db;
    const decisionId = await decisionOf(id);
    const letterId = randomUUID();
    await db
      .insertInto('letter')
      .values({
        id: letterId,
        municipality_id: 'ekby',
        application_id: id,
        kind: 'decision',
        source_id: decisionId,
        lang: 'sv',
        title: 'Beslut om ekonomiskt bistånd',
        html: '<p>Beslut</p>',
        pdf: Buffer.from('%PDF-1.7 test'),
        pdf_sha256: '0'.repeat(64),
        created_at: daysAgo(12),
      })
      .execute();
    // Delivered e-mail notice 10 days ago; an inbox delivery counts from the letter's issue (12
    // days ago, the earliest); a pending SMS does not count.
    await db
      .insertInto('delivery')
      .values([
        { municipality_id: 'ekby', letter_id: letterId, channel: 'email', status: 'delivered', detail: null },
        { municipality_id: 'ekby', letter_id: letterId, channel: 'inbox', status: 'delivered', detail: null },
        { municipality_id: 'ekby', letter_id: letterId, channel: 'sms', status: 'pending', detail: null },
      ])
      .execute();
    await db
      .updateTable('delivery')
      .set({ delivered_at: daysAgo(10) })
      .where('letter_id', '=', letterId)
      .where('channel', '=', 'email')
      .execute();

    const lodged = await h.call(
      h.user('clean', 4),
      'POST',
      own(id, '/appeal'),
      { reasons: 'Fel belopp.' },
      key('appeal-letter'),
    );
    expect(lodged.body).toMatchObject({ withinDeadline: true, deadline: appealDeadline(swedishDate(daysAgo(12))) });
    expect((await h.call('ekby-caseworker', 'GET', ofCase(id, '/appeal'))).body).toMatchObject({
      notifiedOn: swedishDate(daysAgo(12)),
      notifiedBy: 'letter',
    });
  });

  it('is 409 before there is a decision; the host municipality handles the partner’s appeal', async () => {
    const id = await h.apply('partner', 0, 'renewal', 'conv-partner', { municipality: 'lovsala', rent: 5800 });
    expect(await h.drain()).toEqual(['needs-person']);
    const applicant = h.user('partner', 0);
    const early = await h.call(
      applicant,
      'POST',
      own(id, '/appeal', 'lovsala'),
      { reasons: 'Det dröjer.' },
      key('appeal-early'),
    );
    expect(early.body).toMatchObject({ status: 409, type: '/problems/conflict', conflict: 'not-decided' });
    expect(await rowsOf('appeal', id)).toBe(0);

    // Ekby's caseworker decides Lövsala's case and handles the appeal; the data stays Lövsala's.
    const decide = await h.call('ekby-caseworker', 'POST', ofCase(id, '/decision', 'lovsala'), {
      outcome: 'bifall',
      calculationVersion: 1,
    });
    expect(decide.status).toBe(200);
    const lodged = await h.call(
      applicant,
      'POST',
      own(id, '/appeal', 'lovsala'),
      { reasons: 'För lite.', requestedChange: 'Mer.' },
      key('appeal-partner'),
    );
    expect(lodged.body).toMatchObject({ status: 'received', withinDeadline: true });
    const appealId = lodged.body.id as string;

    expect(await queueIds('ekby-caseworker', 'lovsala')).toEqual([appealId]);
    expect(await queueIds('ekby-caseworker', 'ekby')).not.toContain(appealId);
    expect((await h.call('lovsala-caseworker', 'GET', queue('ekby'))).status).toBe(404);
    // Lövsala's own staff cannot reach Ekby's appeals, by either path.
    const ekbyAppeal = (
      await h.server.store.db
        .selectFrom('appeal')
        .select('id')
        .where('municipality_id', '=', 'ekby')
        .executeTakeFirstOrThrow()
    ).id;
    expect(
      (
        await h.call('lovsala-caseworker', 'POST', outcomePath(ekbyAppeal, 'lovsala'), {
          outcome: 'forwarded',
          note: 'x',
        })
      ).status,
    ).toBe(404);
    expect(
      (await h.call('lovsala-caseworker', 'POST', outcomePath(ekbyAppeal, 'ekby'), { outcome: 'forwarded', note: 'x' }))
        .status,
    ).toBe(404);

    const changed = await h.call('ekby-caseworker', 'POST', outcomePath(appealId, 'lovsala'), {
      outcome: 'omprövning-changed',
      note: 'Ändrat efter omprövning.',
    });
    expect(changed.body).toMatchObject({ status: 'omprövning-changed', handledBy: 'ekby-caseworker' });
    const logged = await auditRows(appealId, 'appeal-handled');
    expect(logged.map((r) => [r.actor, r.municipality_id])).toEqual([['ekby-caseworker', 'lovsala']]);
    // Lövsala's own caseworker sees the appeal too.
    expect((await h.call('lovsala-caseworker', 'GET', ofCase(id, '/appeal', 'lovsala'))).body).toMatchObject({
      status: 'omprövning-changed',
    });
  });

  it('shows an appeal on a protected household only to staff with the claim, also while unknown', async () => {
    const id = await h.apply('protected', 0, 'renewal', 'conv-protected');
    expect(await h.drain()).toEqual(['needs-person']);
    const pcw = 'ekby-protected-caseworker';
    await acknowledgeAll(pcw, id);
    expect(
      (await h.call(pcw, 'POST', ofCase(id, '/decision'), { outcome: 'bifall', calculationVersion: 1 })).status,
    ).toBe(200);
    const applicant = h.user('protected', 0);
    expect((await h.call(applicant, 'POST', own(id, '/messages'), { body: 'Hej' }, key('protected-msg'))).status).toBe(
      201,
    );
    const lodged = await h.call(applicant, 'POST', own(id, '/appeal'), { reasons: 'Fel.' }, key('appeal-protected'));
    expect(lodged.status).toBe(201);
    const appealId = lodged.body.id as string;

    const check = async (protectedIdentity: boolean | null) => {
      await h.server.store.db
        .updateTable('application')
        .set({ protected_identity: protectedIdentity })
        .where('id', '=', id)
        .execute();
      for (const staff of ['ekby-caseworker', 'ekby-auditor']) {
        expect(await queueIds(staff, 'ekby')).not.toContain(appealId);
        expect((await h.call(staff, 'GET', ofCase(id, '/appeal'))).status).toBe(404);
        expect((await h.call(staff, 'GET', ofCase(id, '/messages'))).status).toBe(404);
      }
      expect(
        (await h.call('ekby-caseworker', 'POST', outcomePath(appealId), { outcome: 'forwarded', note: 'x' })).status,
      ).toBe(404);
      expect(
        (await h.call('ekby-caseworker', 'POST', ofCase(id, '/messages'), { body: 'Hej' }, key('unauthorized-msg')))
          .status,
      ).toBe(404);
      expect(await queueIds(pcw, 'ekby')).toContain(appealId);
      expect((await h.call(pcw, 'GET', ofCase(id, '/appeal'))).body).toMatchObject({ id: appealId });
      expect(((await h.call(pcw, 'GET', ofCase(id, '/messages'))).body as unknown as Msg[]).map((m) => m.body)).toEqual(
        ['Hej'],
      );
    };
    await check(true);
    await check(null);
    const forwarded = await h.call(pcw, 'POST', outcomePath(appealId), { outcome: 'forwarded', note: 'Överlämnat.' });
    expect(forwarded.body).toMatchObject({ status: 'forwarded', handledBy: pcw });
    expect(await rowsOf('message', id)).toBe(1);
  });

  it('lets only caseworkers record outcomes, keeps other applicants and municipalities out, and names bad fields', async () => {
    const row = await h.server.store.db
      .selectFrom('appeal')
      .innerJoin('application', 'application.id', 'appeal.application_id')
      .select(['appeal.id', 'appeal.application_id'])
      .where('application.client_key', '=', 'conv-appeal-late')
      .executeTakeFirstOrThrow();
    for (const staff of ['ekby-coach', 'ekby-customer-service', 'ekby-auditor'])
      expect(
        (await h.call(staff, 'POST', outcomePath(row.id), { outcome: 'forwarded', note: 'x' })).body,
      ).toMatchObject({
        status: 403,
        type: '/problems/forbidden',
      });
    for (const staff of ['ekby-coach', 'ekby-customer-service'])
      expect((await h.call(staff, 'GET', queue('ekby'))).status).toBe(403);
    expect((await h.call('lovsala-caseworker', 'GET', ofCase(row.application_id, '/appeal'))).status).toBe(404);
    expect((await h.call(h.user('clean', 0), 'GET', own(row.application_id, '/appeal'))).status).toBe(404);
    expect(
      (
        await h.call(
          'applicant-1',
          'POST',
          own(row.application_id, '/appeal'),
          { reasons: 'x' },
          key('intruder-appeal'),
        )
      ).status,
    ).toBe(404);
    expect(
      (await h.call('ekby-caseworker', 'POST', outcomePath(randomUUID()), { outcome: 'forwarded', note: 'x' })).status,
    ).toBe(404);

    const bad = (body: unknown) =>
      h.call('ekby-caseworker', 'POST', outcomePath(row.id), body, { 'accept-language': 'en' });
    const fields = (r: { body: unknown }) => errors(r.body).map((e) => [e.field, e.code]);
    expect(fields(await bad({ outcome: 'upheld', note: 'x' }))).toEqual([['outcome', 'enum']]);
    expect(fields(await bad({ outcome: 'forwarded', note: ' ' }))).toEqual([['note', 'empty']]);
    expect(fields(await bad({ outcome: 'forwarded' }))).toEqual([['note', 'required']]);
    expect(fields(await bad({ outcome: 'forwarded', note: 'x'.repeat(4001) }))).toEqual([['note', 'too-long']]);
    expect(
      fields(await h.call('ekby-caseworker', 'GET', queue('ekby', 'lost'), undefined, { 'accept-language': 'en' })),
    ).toEqual([['status', 'enum']]);

    // Refused before anything is looked up: the decided application of the bad-message test.
    const id = await applicationByKey('conv-bad-messages');
    const lodge = (body: unknown) =>
      h.call(h.user('clean', 1), 'POST', own(id, '/appeal'), body, { 'accept-language': 'sv', ...key('bad-appeal') });
    expect(fields(await lodge({}))).toEqual([['reasons', 'required']]);
    expect(fields(await lodge({ reasons: 'x'.repeat(8001), requestedChange: '' }))).toEqual([
      ['reasons', 'too-long'],
      ['requestedChange', 'empty'],
    ]);
    expect(errors((await lodge({ reasons: 'Fel', requestedChange: 1 })).body)[0]).toMatchObject({
      field: 'requestedChange',
      code: 'type',
    });
    expect(fields(await lodge({ reasons: 'Fel', decision: 'x' }))).toEqual([['decision', 'unknown-field']]);
    expect(await rowsOf('appeal', id)).toBe(0);
  });
});

describe('the contract', () => {
  it('documents every route with its schemas in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${h.server.url}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
      components: {
        schemas: Record<string, { properties?: Record<string, { maxLength?: number }>; required?: string[] }>;
      };
    };
    const m = '/api/v1/municipalities/{municipality}';
    expect(Object.keys(doc.paths[`${m}/applications/{id}/messages`]!).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths[`${m}/applications/{id}/appeal`]!).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths[`${m}/cases/{id}/messages`]!).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths[`${m}/cases/{id}/appeal`]!)).toEqual(['get']);
    expect(Object.keys(doc.paths[`${m}/appeals`]!)).toEqual(['get']);
    expect(Object.keys(doc.paths[`${m}/appeals/{appealId}/outcome`]!)).toEqual(['post']);
    const { schemas } = doc.components;
    expect(schemas.NewMessage!.properties!.body!.maxLength).toBe(4000);
    expect(schemas.NewAppeal!.required).toEqual(['reasons']);
    expect(Object.keys(schemas.AppealQueueItem!.properties!).sort()).toEqual(
      ['applicationId', 'deadline', 'id', 'lodgedAt', 'status', 'withinDeadline'].sort(),
    );
    for (const id of ['Message', 'Appeal', 'ApplicantAppeal', 'AppealOutcome']) expect(schemas[id]).toBeDefined();
  });
});
