/**
 * Customer service (kundtjänst). The next regular payday, pure, with fixed days and a property.
 * Then over real HTTP with real tokens, a real database and the authority simulator: a person's
 * applications with status in plain words, missing items and the next payday (a scheduled payment,
 * or the municipality's payday); never amounts or other secret fields (the answer's keys, exactly);
 * a person with protected identity — known, or not yet known — answers exactly as no one, even to
 * customer service with the protected-identity claim; drafts do not hide a person; the host
 * municipality's staff and no other; roles; booking and moving a meeting on the person's behalf,
 * idempotent; every lookup and booking in the audit log without the personnummer; bad input named
 * by field.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTraits } from '@tillit/authority-sim';
import { addDays, nextRegularPayday, payDateFor } from '@tillit/domain';
import { verifyAuditChain } from '../src/audit.ts';
import { seedDemoSlots } from '../src/meetings/seed.ts';
import { schedulePayments } from '../src/payments/service.ts';
import { swedishDate } from '../src/swedish-time.ts';
import { startServer } from './helpers.ts';
import { MONTH, isCleanRenewal, startHarness } from './pipeline-harness.ts';
import type { Harness } from './pipeline-harness.ts';

/* ------------------------------------------------------------------ over HTTP */

let h: Harness;
beforeAll(async () => {
  h = await startHarness((find) => ({
    clean: find(isCleanRenewal, 4),
    partner: find(isCleanRenewal, 1, '9902'),
    protected: find((x) => hasTraits(x, 'protected-identity', 'single'), 1),
  }));
  await h.confirm2026();
  for (const [municipality, coachSubject, coachName] of [
    ['ekby', 'ekby-coach', 'Egon Ekström'],
    ['lovsala', 'lovsala-coach', 'Lina Lövdahl'],
  ] as const)
    await seedDemoSlots(h.server.store.db, { municipality, coachSubject, coachName, from: new Date(), workingDays: 6 });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const CS = 'ekby-customer-service';
const lookupPath = (m = 'ekby') => `/api/v1/municipalities/${m}/customer-service/person-lookups`;
const appPath = (id: string, rest: string, m = 'ekby') =>
  `/api/v1/municipalities/${m}/customer-service/applications/${id}${rest}`;
const pnrOf = (group: string, i: number) => h.pick[group]![i]!.members[0]!.personnummer;
const lookup = (personnummer: unknown, user = CS, m = 'ekby', lang = 'sv') =>
  h.call(user, 'POST', lookupPath(m), { personnummer }, { 'accept-language': lang });
let keys = 0;
const key = (what: string) => ({ 'idempotency-key': `${what}-${++keys}-customer-service-test` });

type App = {
  id: string;
  status: string;
  statusText: string;
  missingItems: { source: string; items: string[]; dueDate: string; overdue: boolean }[];
  payment: { payOn: string; status: string } | null;
  meeting: { id: string; startsAt: string } | null;
};
type Slot = { id: string; startsAt: string };

/** Every key anywhere in a JSON value. */
function allKeys(v: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(v)) v.forEach((x) => allKeys(x, into));
  else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      into.add(k);
      allKeys(x, into);
    }
  return into;
}

/** An unknown but valid personnummer (Luhn) in the test series: nobody has applied with it. */
const NOBODY = '199001019802';

/** The audit entries since `after` (an id), as stored. */
async function auditSince(after: number) {
  return h.server.store.db
    .selectFrom('audit_log')
    .select(['actor', 'role', 'action', 'object_type', 'object_id', 'purpose', 'details', 'municipality_id'])
    .where('id', '>', after)
    .orderBy('id')
    .execute();
}
async function lastAuditId(): Promise<number> {
  const r = await h.server.store.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return Number(r?.id ?? 0);
}

let decidedId: string;
let waitingId: string;

describe('finding a person', () => {
  it('shows a decided application with its payment date and the next payday, and nothing secret', async () => {
    decidedId = await h.apply('clean', 0, 'renewal', 'cs-decided');
    expect(await h.drain()).toEqual(['decided']);
    expect(await schedulePayments(h.server.store.db, h.server.municipalities)).toBe(1);
    const today = swedishDate();
    const payOn = payDateFor(today, 25).payOn;

    const before = await lastAuditId();
    const res = await lookup(pnrOf('clean', 0));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['applications', 'nextPayday']);
    expect(res.body.nextPayday).toEqual({ date: payOn, basis: 'payment' });
    const [app, ...more] = res.body.applications as App[];
    expect(more).toEqual([]);
    expect(Object.keys(app!).sort()).toEqual(
      [
        'canBookMeeting',
        'decidedOn',
        'id',
        'kind',
        'meeting',
        'missingItems',
        'month',
        'payment',
        'status',
        'statusText',
        'submittedOn',
      ].sort(),
    );
    expect(app).toEqual({
      id: decidedId,
      kind: 'renewal',
      month: MONTH,
      status: 'decided',
      statusText: 'Beslut är fattat. Beslutet finns på Mina sidor.',
      submittedOn: today,
      decidedOn: today,
      missingItems: [],
      payment: { payOn, status: 'scheduled', statusText: 'Utbetalningen är planerad.' },
      meeting: null,
      canBookMeeting: true,
    });
    // Nothing secret anywhere: no amounts, flags, notes, messages, addresses, persons.
    const keysSeen = allKeys(res.body);
    for (const secret of [
      'amount',
      'amount_ore',
      'flags',
      'checks',
      'note',
      'message',
      'address',
      'personnummer',
      'household',
      'snapshot',
      'incomes',
      'assets',
      'applicant',
      'name',
    ])
      expect(keysSeen.has(secret), secret).toBe(false);
    expect(JSON.stringify(res.body)).not.toContain(pnrOf('clean', 0));

    // In the audit log before it was served: the application read, by customer service, no personnummer.
    const entries = await auditSince(before);
    expect(entries).toEqual([
      {
        actor: CS,
        role: 'customer-service',
        action: 'read',
        object_type: 'application',
        object_id: decidedId,
        purpose: 'customer-service-lookup',
        details: {},
        municipality_id: 'ekby',
      },
    ]);
  });

  it('shows what is missing: the items of an open request to complete, with the due date', async () => {
    waitingId = await h.apply('clean', 1, 'new', 'cs-waiting');
    expect(await h.drain()).toEqual(['needs-person']);
    const dueDate = addDays(swedishDate(), 7);
    const items = ['Hyresavi för november', 'Kontoutdrag för oktober'];
    const asked = await h.call(
      'ekby-caseworker',
      'POST',
      `/api/v1/municipalities/ekby/cases/${waitingId}/completion-request`,
      {
        message: 'Vi behöver några uppgifter till innan vi kan fatta beslut.',
        items,
        dueDate,
      },
    );
    expect(asked.status).toBe(201);

    const res = await lookup(pnrOf('clean', 1), CS, 'ekby', 'en');
    expect(res.status).toBe(200);
    const [app] = res.body.applications as App[];
    expect(app).toMatchObject({
      id: waitingId,
      kind: 'new',
      status: 'waiting-applicant',
      statusText: 'Waiting for the applicant to complete the application.',
      decidedOn: null,
      payment: null,
      missingItems: [{ source: 'completion-request', requestedOn: swedishDate(), dueDate, overdue: false, items }],
    });
    // The request's message is the caseworker's to the applicant: not shown.
    expect(JSON.stringify(res.body)).not.toContain('Vi behöver några uppgifter');
    // No payment yet: the municipality's next regular payday.
    expect(res.body.nextPayday).toEqual({ date: nextRegularPayday(swedishDate(), 25), basis: 'municipality' });
  });

  it('says a request is overdue once its day has passed', async () => {
    const { sql } = await import('kysely');
    await sql`update completion_request set due_date = ${addDays(swedishDate(), -1)} where application_id = ${waitingId}`.execute(
      h.server.store.db,
    );
    const [app] = (await lookup(pnrOf('clean', 1))).body.applications as App[];
    expect(app!.missingItems[0]).toMatchObject({ overdue: true, dueDate: addDays(swedishDate(), -1) });
  });

  it('is not hidden by the person’s own unsubmitted draft', async () => {
    const created = await h.call(h.user('clean', 0), 'POST', '/api/v1/municipalities/ekby/applications', {
      kind: 'renewal',
      month: '2026-12',
    });
    expect(created.status).toBe(201);
    const res = await lookup(pnrOf('clean', 0));
    expect((res.body.applications as App[]).map((a) => a.id)).toEqual([decidedId]);
  });

  it('accepts the personnummer with a hyphen and ten digits', async () => {
    const p = pnrOf('clean', 0);
    const short = `${p.slice(2, 8)}-${p.slice(8)}`;
    const res = await lookup(short);
    expect(res.status).toBe(200);
    expect((res.body.applications as App[]).map((a) => a.id)).toEqual([decidedId]);
  });
});

describe('protected identity', () => {
  it('a protected person answers exactly as a person with no applications', async () => {
    const id = await h.apply('protected', 0, 'renewal', 'cs-protected');
    await h.drain();
    const row = await h.server.store.db
      .selectFrom('application')
      .select('protected_identity')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.protected_identity).toBe(true);

    const before = await lastAuditId();
    const nobody = await lookup(NOBODY);
    const hidden = await lookup(pnrOf('protected', 0));
    expect(nobody.status).toBe(200);
    expect(hidden.status).toBe(nobody.status);
    expect(hidden.body).toEqual(nobody.body);
    expect(nobody.body).toEqual({
      applications: [],
      nextPayday: { date: nextRegularPayday(swedishDate(), 25), basis: 'municipality' },
    });
    // Nor can the application be reached by its id.
    expect((await h.call(CS, 'GET', appPath(id, '/meeting-slots'))).status).toBe(404);

    // The log says a lookup found nothing to show, and that something was withheld; never who.
    const entries = await auditSince(before);
    expect(entries.map((e) => [e.actor, e.object_type, e.object_id, e.purpose, e.details])).toEqual([
      [CS, 'person-lookup', null, 'customer-service-lookup', { applications: 0, withheld: 0 }],
      [CS, 'person-lookup', null, 'customer-service-lookup', { applications: 0, withheld: 1 }],
    ]);
  });

  it('a person whose register answer is not in yet is hidden too, with every application of theirs', async () => {
    const first = await h.apply('clean', 2, 'renewal', 'cs-unknown-1');
    expect(await h.drain()).toEqual(['decided']);
    expect((await lookup(pnrOf('clean', 2))).body.applications).toHaveLength(1);
    // A new application, not yet checked against the register: protected identity unknown (null).
    const second = await h.apply('clean', 2, 'supplementary', 'cs-unknown-2');
    const row = await h.server.store.db
      .selectFrom('application')
      .select('protected_identity')
      .where('id', '=', second)
      .executeTakeFirstOrThrow();
    expect(row.protected_identity).toBeNull();
    const nobody = await lookup(NOBODY);
    const unknown = await lookup(pnrOf('clean', 2));
    expect(unknown.body).toEqual(nobody.body);
    expect((await h.call(CS, 'GET', appPath(first, '/meeting-slots'))).status).toBe(404);
    // Once the register says no (whatever the case needs next), the person is there again.
    expect(await h.drain()).toHaveLength(1);
    expect(((await lookup(pnrOf('clean', 2))).body.applications as App[]).map((a) => a.id).sort()).toEqual(
      [first, second].sort(),
    );
  });
});

describe('tenants and roles', () => {
  it('the host’s customer service finds the partner’s applicant in the partner municipality only', async () => {
    const id = await h.apply('partner', 0, 'renewal', 'cs-partner', { municipality: 'lovsala' });
    expect(await h.drain()).toHaveLength(1);
    const there = await lookup(pnrOf('partner', 0), CS, 'lovsala');
    expect(there.status).toBe(200);
    expect((there.body.applications as App[]).map((a) => a.id)).toEqual([id]);
    const own = await lookup(pnrOf('partner', 0), 'lovsala-customer-service', 'lovsala');
    expect((own.body.applications as App[]).map((a) => a.id)).toEqual([id]);
    // Ekby itself has nothing for the person: the tenant is in the query.
    expect((await lookup(pnrOf('partner', 0), CS, 'ekby')).body.applications).toEqual([]);
  });

  it('another municipality’s staff get 404, other roles 403', async () => {
    const other = await lookup(pnrOf('clean', 0), 'lovsala-customer-service', 'ekby');
    expect(other.status).toBe(404);
    expect(other.body.type).toBe('/problems/not-found');
    expect((await h.call('lovsala-customer-service', 'GET', appPath(decidedId, '/meeting-slots'))).status).toBe(404);
    for (const user of ['ekby-caseworker', 'ekby-protected-caseworker', 'ekby-coach', 'ekby-auditor', 'ekby-admin']) {
      const res = await lookup(pnrOf('clean', 0), user);
      expect(res.status, user).toBe(403);
      expect(res.body.type).toBe('/problems/forbidden');
    }
    expect((await lookup(pnrOf('clean', 0), h.user('clean', 0))).status).toBe(404);
    const anonymous = await fetch(`${h.server.url}${lookupPath()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ personnummer: NOBODY }),
    });
    expect(anonymous.status).toBe(401);
  });
});

describe('bad input', () => {
  it('names the personnummer field, in Swedish and English, without echoing it', async () => {
    const sv = await lookup('19850314-0000');
    expect(sv.status).toBe(400);
    expect(sv.body.type).toBe('/problems/invalid-input');
    expect(sv.body.errors).toEqual([
      {
        pointer: '/personnummer',
        field: 'personnummer',
        code: 'invalid',
        message: 'Ange ett giltigt personnummer, ÅÅÅÅMMDD-NNNN.',
      },
    ]);
    expect(JSON.stringify(sv.body)).not.toContain('19850314');
    const en = await lookup('not a number', CS, 'ekby', 'en');
    expect((en.body.errors as { field: string; message: string }[])[0]).toMatchObject({
      field: 'personnummer',
      message: 'Give a valid personal identity number, YYYYMMDD-NNNN.',
    });
    const missing = await h.call(CS, 'POST', lookupPath(), {}, { 'accept-language': 'en' });
    expect(missing.status).toBe(400);
    expect((missing.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['personnummer']);
    const extra = await h.call(CS, 'POST', lookupPath(), { personnummer: NOBODY, name: 'x' });
    expect(extra.body.errors as { field: string; code: string }[]).toEqual([
      expect.objectContaining({ field: 'name', code: 'unknown-field' }),
    ]);
  });
});

describe('helping to book a meeting', () => {
  it('lists three slots, books one on the person’s behalf, idempotently, and moves it', async () => {
    const offer = await h.call(CS, 'GET', appPath(waitingId, '/meeting-slots'));
    expect(offer.status).toBe(200);
    const slots = offer.body.slots as Slot[];
    expect(slots).toHaveLength(3);
    expect(offer.body.booking).toBeNull();

    const before = await lastAuditId();
    const k = key('book');
    const booked = await h.call(CS, 'POST', appPath(waitingId, '/meeting'), { slotId: slots[0]!.id }, k);
    expect(booked.status).toBe(201);
    expect(booked.body).toMatchObject({ status: 'booked', startsAt: slots[0]!.startsAt, coachName: 'Egon Ekström' });
    // A retry with the same key answers the same booking and books nothing more.
    const again = await h.call(CS, 'POST', appPath(waitingId, '/meeting'), { slotId: slots[0]!.id }, k);
    expect(again.body.id).toBe(booked.body.id);
    const meetings = await h.server.store.db
      .selectFrom('meeting')
      .select(['id', 'booked_by', 'status'])
      .where('application_id', '=', waitingId)
      .execute();
    expect(meetings).toEqual([{ id: booked.body.id, booked_by: CS, status: 'booked' }]);
    // The same key for another slot, or a second booking, is refused.
    const reused = await h.call(CS, 'POST', appPath(waitingId, '/meeting'), { slotId: slots[1]!.id }, k);
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('idempotency-key-reused');
    const second = await h.call(CS, 'POST', appPath(waitingId, '/meeting'), { slotId: slots[1]!.id }, key('book'));
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('already-booked');

    // Moved to another slot: the lookup shows the new time.
    const moved = await h.call(CS, 'PUT', appPath(waitingId, '/meeting'), { slotId: slots[1]!.id }, key('move'));
    expect(moved.status).toBe(200);
    const [app] = (await lookup(pnrOf('clean', 1))).body.applications as App[];
    expect(app!.meeting).toMatchObject({ id: moved.body.id, startsAt: slots[1]!.startsAt, status: 'booked' });
    // The applicant sees the same booking on their own page.
    const mine = await h.call(
      h.user('clean', 1),
      'GET',
      `/api/v1/municipalities/ekby/applications/${waitingId}/meeting`,
    );
    expect(mine.body).toMatchObject({ id: moved.body.id, startsAt: slots[1]!.startsAt });

    const entries = await auditSince(before);
    expect(
      entries.filter((e) => e.object_type === 'meeting').map((e) => [e.actor, e.role, e.action, e.purpose]),
    ).toEqual([
      [CS, 'customer-service', 'write', 'meeting-booked'],
      [CS, 'customer-service', 'write', 'meeting-rescheduled'],
    ]);
  });

  it('names a bad slot by field and needs an Idempotency-Key', async () => {
    const bad = await h.call(CS, 'POST', appPath(decidedId, '/meeting'), { slotId: 'tomorrow' }, key('bad'));
    expect(bad.status).toBe(400);
    expect((bad.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['slotId']);
    const unknown = await h.call(CS, 'POST', appPath(decidedId, '/meeting'), { slotId: randomUUID() }, key('bad'));
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'slotId', code: 'unknown-slot' })]);
    const noKey = await h.call(CS, 'POST', appPath(decidedId, '/meeting'), { slotId: randomUUID() });
    expect(noKey.status).toBe(400);
    expect((await h.call(CS, 'GET', appPath(randomUUID(), '/meeting-slots'))).status).toBe(404);
  });
});

describe('customer service with the protected-identity claim', () => {
  it('still never sees a protected person', async () => {
    const s = await startServer({
      extraUsers: [
        {
          id: 'ekby-protected-customer-service',
          name: 'Eva Eksjö',
          municipality: 'ekby',
          roles: ['customer-service'],
          protectedIdentityAccess: true,
        },
      ],
    });
    try {
      const pnr = '198503149828';
      await s.store.db
        .insertInto('application')
        .values({
          id: randomUUID(),
          municipality_id: 'ekby',
          applicant: pnr,
          kind: 'renewal',
          month: MONTH,
          status: 'decided',
          snapshot: '{}',
          submitted_at: '2026-10-30T08:00:00Z',
          protected_identity: true,
        })
        .execute();
      const token = await s.tokenFor('ekby-protected-customer-service');
      const ask = async (personnummer: string) => {
        const res = await fetch(`${s.url}${lookupPath()}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ personnummer }),
        });
        return { status: res.status, body: (await res.json()) as unknown };
      };
      const hidden = await ask(pnr);
      expect(hidden).toEqual(await ask(NOBODY));
      expect(hidden).toMatchObject({ status: 200, body: { applications: [] } });
    } finally {
      await s.app.close();
    }
  });
});

describe('the audit log', () => {
  it('holds no personnummer and its chain verifies', async () => {
    const rows = await h.server.store.db.selectFrom('audit_log').select(['details', 'object_id']).execute();
    const text = JSON.stringify(rows);
    for (const p of [pnrOf('clean', 0), pnrOf('clean', 1), pnrOf('protected', 0), NOBODY])
      expect(text).not.toContain(p);
    expect((await verifyAuditChain(h.server.store.db)).ok).toBe(true);
  });
});
