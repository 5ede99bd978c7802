/**
 * Adjustments of a case's calculation over real HTTP with real tokens: a caseworker changes a cost
 * or an income with a reason and gets a new calculation version (the old one kept); above Ekby's
 * threshold (2 000 kr, the default) a second caseworker approves or rejects before anyone decides;
 * adjustments accumulate; bad input is named by field; tenants, roles and protected identity are
 * kept apart; retries do nothing twice; everything is in the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTraits } from '@tillit/authority-sim';
import { verifyAuditChain } from '../src/audit.ts';
import { isCleanRenewal, startHarness } from './pipeline-harness.ts';
import type { Harness } from './pipeline-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness((find) => ({
    clean: find(isCleanRenewal, 4),
    partner: find(isCleanRenewal, 1, '9902'),
    protected: find((x) => hasTraits(x, 'protected-identity', 'single'), 1),
  }));
  await h.confirm2026();
});
afterAll(async () => {
  await h?.close();
});

const CW = 'ekby-caseworker';
/** The second caseworker of Ekby in these tests (she may also see protected identities). */
const SECOND = 'ekby-protected-caseworker';
const REASON = 'Hyresavi för november visar en annan kostnad än ansökan.';
const ekbyCase = (id: string, rest = '') => `/api/v1/municipalities/ekby/cases/${id}${rest}`;
const fields = (body: Record<string, unknown>) => (body.errors as { field: string }[]).map((e) => e.field);
const codes = (body: Record<string, unknown>) => (body.errors as { code: string }[]).map((e) => e.code);

type Body = Record<string, unknown>;
const adjust = (id: string, body: Body, key: string, user = CW, lang = 'en') =>
  h.call(user, 'POST', ekbyCase(id, '/adjustments'), body, { 'idempotency-key': key, 'accept-language': lang });
const review = (id: string, adjustment: unknown, outcome: 'approve' | 'reject', user: string, body?: Body) =>
  h.call(user, 'POST', ekbyCase(id, `/adjustments/${String(adjustment)}/${outcome}`), body, {
    'accept-language': 'en',
  });
const decide = (id: string, calculationVersion: number, user = CW) =>
  h.call(user, 'POST', ekbyCase(id, '/decision'), { outcome: 'bifall', calculationVersion });
const versions = async (id: string, user = CW) =>
  ((await h.call(user, 'GET', ekbyCase(id))).body.calculations as { version: number; amount: number }[]).map((c) => [
    c.version,
    c.amount,
  ]);

/** A new application (a flag for the first meeting) waiting for a person, with its flags acknowledged. */
async function needsPerson(index: number, key: string): Promise<string> {
  const id = await h.apply('clean', index, 'new', key);
  expect(await h.drain()).toEqual(['needs-person']);
  const view = await h.call(CW, 'GET', ekbyCase(id));
  for (const f of view.body.flags as { id: string; status: string }[])
    if (f.status === 'open')
      expect(
        (await h.call(CW, 'POST', ekbyCase(id, `/flags/${f.id}/acknowledge`), { note: 'Kontrollerat.' })).status,
      ).toBe(200);
  // 2026, one adult: riksnorm 5 220 + rent 6 200.
  expect(await versions(id)).toEqual([[1, 11_420]]);
  return id;
}

describe('a small adjustment', () => {
  let id: string;
  beforeAll(async () => {
    id = await needsPerson(0, 'adj-small');
  });

  it('makes a new version with the reason, keeps the old one and the snapshot, and can be decided on', async () => {
    const electricity = { kind: 'cost', type: 'electricity', amount: 350, reason: REASON, basedOnVersion: 1 };
    const made = await adjust(id, electricity, 'adj-small-0001');
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      kind: 'cost',
      type: 'electricity',
      person: null,
      from: null,
      to: 350,
      reason: REASON,
      madeBy: CW,
      basedOnVersion: 1,
      calculationVersion: 2,
      previousAmount: 11_420,
      amount: 11_770,
      needsSecond: false,
      status: 'approved',
      approvedBy: null,
      restoredVersion: null,
      superseded: false,
    });
    // A retry answers the same and makes nothing twice.
    const retry = await adjust(id, electricity, 'adj-small-0001');
    expect(retry).toEqual(made);

    const view = await h.call(CW, 'GET', ekbyCase(id));
    const calcs = view.body.calculations as { version: number; amount: number; createdBy: string; reason: string }[];
    expect(calcs.map((c) => [c.version, c.amount, c.createdBy])).toEqual([
      [1, 11_420, 'system'],
      [2, 11_770, CW],
    ]);
    expect(calcs[1]!.reason).toBe(REASON);
    // The submitted snapshot and the applicant's form are untouched.
    expect((view.body.snapshot as { costs: unknown[] }).costs).toEqual([{ type: 'rent', amount: 6200 }]);
    expect((view.body.content as { costs: unknown[] }).costs).toEqual([{ type: 'rent', amount: 6200 }]);

    // Version 1 is stale now, for an adjustment and for a decision.
    const stale = await adjust(id, { ...electricity, amount: 400 }, 'adj-small-0002');
    expect(stale).toMatchObject({ status: 409, body: { conflict: 'stale-calculation' } });
    expect(String(stale.body.detail)).toContain('version 2');
    expect((await adjust(id, { ...electricity, amount: 400, basedOnVersion: 7 }, 'adj-small-0003')).body).toMatchObject(
      {
        conflict: 'stale-calculation',
      },
    );
    expect((await decide(id, 1)).body).toMatchObject({ conflict: 'stale-calculation' });
    expect(await versions(id)).toEqual([
      [1, 11_420],
      [2, 11_770],
    ]);
  });

  it('names each bad field, in Swedish and English', async () => {
    const good = { kind: 'cost', type: 'electricity', amount: 500, reason: REASON, basedOnVersion: 2 };
    const bad = async (body: Body, key: string, lang = 'en') => {
      const r = await adjust(id, body, key, CW, lang);
      expect(r.status).toBe(400);
      expect(r.body.type).toBe('/problems/invalid-input');
      return r.body;
    };
    expect(fields(await bad({ ...good, amount: -10 }, 'adj-bad-0001'))).toEqual(['amount']);
    expect(fields(await bad({ ...good, amount: 10.005 }, 'adj-bad-0002'))).toEqual(['amount']);
    const { reason: _, ...noReason } = good;
    const missing = await bad(noReason, 'adj-bad-0003');
    expect([fields(missing), codes(missing)]).toEqual([['reason'], ['required']]);
    const short = await bad({ ...good, reason: 'För dyrt.' }, 'adj-bad-0004', 'sv');
    expect([fields(short), codes(short)]).toEqual([['reason'], ['too-short']]);
    expect(JSON.stringify(short)).toContain('Ange minst 20 tecken');
    const unknown = await bad({ ...good, type: 'yacht' }, 'adj-bad-0005');
    expect([fields(unknown), codes(unknown)]).toEqual([['type'], ['unknown-type']]);
    // An income type is not a cost type.
    expect(fields(await bad({ ...good, type: 'salary' }, 'adj-bad-0006'))).toEqual(['type']);
    const person = await bad({ ...good, person: 'a0' }, 'adj-bad-0007', 'sv');
    expect([fields(person), codes(person)]).toEqual([['person'], ['person-not-allowed']]);
    expect(JSON.stringify(person)).toContain('En kostnad är hushållets');
    // A single adult's household has no a1; nor a child c0.
    const nobody = await bad({ ...good, kind: 'income', type: 'salary', person: 'a1' }, 'adj-bad-0008');
    expect([fields(nobody), codes(nobody)]).toEqual([['person'], ['unknown-person']]);
    expect(codes(await bad({ ...good, kind: 'income', type: 'salary', person: 'c0' }, 'adj-bad-0009'))).toEqual([
      'unknown-person',
    ]);
    expect(codes(await bad({ ...good, kind: 'income', type: 'salary', person: 'x1' }, 'adj-bad-0010'))).toEqual([
      'format',
    ]);
    // Electricity is 350 kr already in version 2.
    const same = await bad({ ...good, amount: 350 }, 'adj-bad-0011');
    expect([fields(same), codes(same)]).toEqual([['amount'], ['unchanged']]);
    expect(fields(await bad({ ...good, kind: 'rent' }, 'adj-bad-0012')).sort()).toEqual(['kind']);
    expect(fields(await bad({ ...good, extra: true }, 'adj-bad-0013'))).toEqual(['extra']);
    const noKey = await h.call(CW, 'POST', ekbyCase(id, '/adjustments'), good, { 'accept-language': 'en' });
    expect(fields(noKey.body)).toEqual(['idempotency-key']);
    expect(await versions(id)).toHaveLength(2);
  });

  it('is for caseworkers of the municipality (or its host); auditors read; others are refused', async () => {
    const body = { kind: 'cost', type: 'homeInsurance', amount: 150, reason: REASON, basedOnVersion: 2 };
    expect((await adjust(id, body, 'adj-role-0001', 'ekby-coach')).status).toBe(403);
    expect((await adjust(id, body, 'adj-role-0002', 'ekby-customer-service')).status).toBe(403);
    expect((await adjust(id, body, 'adj-role-0003', 'ekby-auditor')).status).toBe(403);
    expect((await adjust(id, body, 'adj-role-0004', 'lovsala-caseworker')).status).toBe(404);
    expect((await h.call('lovsala-caseworker', 'GET', ekbyCase(id, '/adjustments'))).status).toBe(404);
    expect((await h.call('ekby-coach', 'GET', ekbyCase(id, '/adjustments'))).status).toBe(403);
    expect((await h.call('ekby-customer-service', 'GET', ekbyCase(id, '/adjustments'))).status).toBe(403);
    const read = await h.call('ekby-auditor', 'GET', ekbyCase(id, '/adjustments'));
    expect(read.status).toBe(200);
    expect(read.body.threshold).toBe(2000);
    expect((read.body.adjustments as Body[]).map((a) => [a.calculationVersion, a.type, a.status])).toEqual([
      [2, 'electricity', 'approved'],
    ]);
    expect(await versions(id)).toHaveLength(2);
  });

  it('is decided on the adjusted version; afterwards nothing can be adjusted, but a retry still answers', async () => {
    const decided = await decide(id, 2);
    expect(decided).toMatchObject({ status: 200, body: { outcome: 'bifall', amount: 11_770 } });
    const late = await adjust(
      id,
      { kind: 'cost', type: 'homeInsurance', amount: 150, reason: REASON, basedOnVersion: 2 },
      'adj-late-0001',
    );
    expect(late).toMatchObject({ status: 409, body: { conflict: 'not-awaiting-person' } });
    const retry = await adjust(
      id,
      { kind: 'cost', type: 'electricity', amount: 350, reason: REASON, basedOnVersion: 1 },
      'adj-small-0001',
    );
    expect(retry).toMatchObject({ status: 201, body: { calculationVersion: 2, amount: 11_770 } });
  });
});

describe('four eyes above the threshold', () => {
  it('waits for a second caseworker: not the maker, no decision before, the adjusted receipt after', async () => {
    const id = await needsPerson(1, 'adj-big-case');
    const salary = {
      kind: 'income',
      type: 'salary',
      person: 'a0',
      amount: 3000,
      reason: 'Lönebesked för oktober visar lön som inte fanns med i ansökan.',
      basedOnVersion: 1,
    };
    const made = await adjust(id, salary, 'adj-big-0001');
    expect(made).toMatchObject({
      status: 201,
      body: { person: 'a0', from: null, to: 3000, previousAmount: 11_420, amount: 8420 },
    });
    expect(made.body).toMatchObject({ needsSecond: true, status: 'awaiting-second', calculationVersion: 2 });
    const adjustment = made.body.id;

    expect((await decide(id, 2)).body).toMatchObject({ status: 409, conflict: 'awaiting-second-approval' });
    // Nothing builds on a version that waits for its second person.
    expect((await adjust(id, { ...salary, amount: 2500, basedOnVersion: 2 }, 'adj-big-0002')).body).toMatchObject({
      status: 409,
      conflict: 'awaiting-second-approval',
    });
    const own = await review(id, adjustment, 'approve', CW);
    expect(own.body).toMatchObject({ status: 409, conflict: 'same-person' });
    expect(String(own.body.detail)).toContain('other than the one who made');
    expect((await review(id, adjustment, 'approve', 'ekby-coach')).status).toBe(403);
    expect((await review(id, adjustment, 'approve', 'ekby-auditor')).status).toBe(403);
    expect((await review(id, adjustment, 'approve', 'lovsala-caseworker')).status).toBe(404);
    expect((await review(id, '00000000-0000-4000-8000-000000000000', 'approve', SECOND)).status).toBe(404);

    const approved = await review(id, adjustment, 'approve', SECOND);
    expect(approved).toMatchObject({
      status: 200,
      body: { status: 'approved', approvedBy: SECOND, calculationVersion: 2, amount: 8420 },
    });
    expect((await review(id, adjustment, 'approve', SECOND)).body).toEqual(approved.body);
    expect((await review(id, adjustment, 'reject', CW, { note: 'Ångrar mig helt.' })).body).toMatchObject({
      status: 409,
      conflict: 'adjustment-reviewed',
    });

    const decided = await decide(id, 2);
    expect(decided).toMatchObject({ status: 200, body: { outcome: 'bifall', amount: 8420 } });
    const db = h.server.store.db;
    const decision = await db
      .selectFrom('decision')
      .selectAll()
      .where('application_id', '=', id)
      .executeTakeFirstOrThrow();
    const calc = await db
      .selectFrom('calculation')
      .selectAll()
      .where('application_id', '=', id)
      .where('version', '=', 2)
      .executeTakeFirstOrThrow();
    expect(decision.calculation_id).toBe(calc.id);
    expect(Number(decision.amount_ore)).toBe(842_000);
    expect(decision.receipt).toEqual(calc.receipt);
    expect((calc.receipt as { totals: { amount: number } }).totals.amount).toBe(842_000);
    expect(JSON.stringify(calc.receipt)).toContain('"salary"');

    // The database itself refuses the maker as their own second person.
    await expect(
      db
        .updateTable('adjustment')
        .set({ approved_by: CW, approved_at: new Date() })
        .where('id', '=', String(adjustment))
        .execute(),
    ).rejects.toThrow();
  });

  it('a rejection restores the calculation adjusted; the rejected version cannot be decided', async () => {
    const id = await needsPerson(2, 'adj-reject');
    const made = await adjust(
      id,
      {
        kind: 'cost',
        type: 'rent',
        amount: 3000,
        reason: 'Hyran är delad med en inneboende enligt avtalet.',
        basedOnVersion: 1,
      },
      'adj-reject-0001',
    );
    expect(made.body).toMatchObject({
      from: 6200,
      to: 3000,
      amount: 8220,
      needsSecond: true,
      status: 'awaiting-second',
    });
    const adjustment = made.body.id;
    expect((await review(id, adjustment, 'reject', CW, { note: 'Ingen inneboende finns.' })).body).toMatchObject({
      conflict: 'same-person',
    });
    expect(fields((await review(id, adjustment, 'reject', SECOND, { note: 'Nej.' })).body)).toEqual(['note']);
    expect(fields((await review(id, adjustment, 'reject', SECOND, {})).body)).toEqual(['note']);

    const note = 'Avtalet visar ingen inneboende; hyran är hela kostnaden.';
    const rejected = await review(id, adjustment, 'reject', SECOND, { note });
    expect(rejected).toMatchObject({
      status: 200,
      body: { status: 'rejected', rejectedBy: SECOND, rejectionNote: note, restoredVersion: 3, calculationVersion: 2 },
    });
    expect((await review(id, adjustment, 'reject', SECOND, { note })).body).toEqual(rejected.body);
    expect((await review(id, adjustment, 'approve', SECOND)).body).toMatchObject({ conflict: 'adjustment-reviewed' });
    expect(await versions(id)).toEqual([
      [1, 11_420],
      [2, 8220],
      [3, 11_420],
    ]);
    expect((await decide(id, 2)).body).toMatchObject({ status: 409, conflict: 'adjustment-rejected' });

    // The next adjustment builds on the restored form (rent 6 200), not on the rejected one.
    const next = await adjust(
      id,
      {
        kind: 'cost',
        type: 'rent',
        amount: 6500,
        reason: 'Ny hyresavi från hyresvärden för november.',
        basedOnVersion: 3,
      },
      'adj-reject-0002',
    );
    expect(next.body).toMatchObject({
      from: 6200,
      to: 6500,
      previousAmount: 11_420,
      amount: 11_720,
      status: 'approved',
    });
    expect(await decide(id, 4)).toMatchObject({ status: 200, body: { amount: 11_720 } });
  });
});

describe('adjustments accumulate', () => {
  it('each version starts from the form with the earlier adjustments applied', async () => {
    const id = await needsPerson(3, 'adj-accumulate');
    const step = async (body: Body, key: string) => {
      const r = await adjust(id, body, key);
      expect(r.status).toBe(201);
      return r.body;
    };
    expect(
      await step({ kind: 'cost', type: 'electricity', amount: 500, reason: REASON, basedOnVersion: 1 }, 'adj-acc-0001'),
    ).toMatchObject({ calculationVersion: 2, from: null, amount: 11_920 });
    expect(
      await step({ kind: 'cost', type: 'rent', amount: 7000, reason: REASON, basedOnVersion: 2 }, 'adj-acc-0002'),
    ).toMatchObject({ calculationVersion: 3, from: 6200, previousAmount: 11_920, amount: 12_720 });
    // Exactly the threshold (2 000 kr less) needs no second person.
    expect(
      await step(
        { kind: 'income', type: 'salary', person: 'a0', amount: 2000, reason: REASON, basedOnVersion: 3 },
        'adj-acc-0003',
      ),
    ).toMatchObject({ calculationVersion: 4, amount: 10_720, needsSecond: false, status: 'approved' });
    // 0 removes the item: the electricity goes, the rent and the salary stay.
    expect(
      await step({ kind: 'cost', type: 'electricity', amount: 0, reason: REASON, basedOnVersion: 4 }, 'adj-acc-0004'),
    ).toMatchObject({ calculationVersion: 5, from: 500, to: 0, amount: 10_220 });

    const stored = await h.server.store.db
      .selectFrom('adjustment')
      .select('content')
      .where('application_id', '=', id)
      .orderBy('made_at', 'desc')
      .executeTakeFirstOrThrow();
    const content = stored.content as { costs: unknown[]; incomes: unknown[] };
    expect(content.costs).toEqual([{ type: 'rent', amount: 7000 }]);
    expect(content.incomes).toEqual([{ type: 'salary', person: 'a0', amount: 2000 }]);

    const list = await h.call(CW, 'GET', ekbyCase(id, '/adjustments'));
    expect(
      (list.body.adjustments as Body[]).map((a) => [a.basedOnVersion, a.calculationVersion, a.type, a.from, a.to]),
    ).toEqual([
      [1, 2, 'electricity', null, 500],
      [2, 3, 'rent', 6200, 7000],
      [3, 4, 'salary', null, 2000],
      [4, 5, 'electricity', 500, 0],
    ]);
    expect(await decide(id, 5)).toMatchObject({ status: 200, body: { amount: 10_220 } });
  });
});

describe('other tenants and protected identity', () => {
  it("the host's caseworker adjusts a partner's case; the partner's own caseworker reads it", async () => {
    const id = await h.apply('partner', 0, 'renewal', 'adj-partner', { municipality: 'lovsala', rent: 5800 });
    expect(await h.drain()).toEqual(['needs-person']);
    const path = `/api/v1/municipalities/lovsala/cases/${id}/adjustments`;
    const made = await h.call(
      CW,
      'POST',
      path,
      { kind: 'cost', type: 'homeInsurance', amount: 200, reason: REASON, basedOnVersion: 1 },
      { 'idempotency-key': 'adj-partner-0001' },
    );
    expect(made).toMatchObject({ status: 201, body: { previousAmount: 11_020, amount: 11_220, madeBy: CW } });
    const read = await h.call('lovsala-caseworker', 'GET', path);
    expect((read.body.adjustments as Body[]).map((a) => a.id)).toEqual([made.body.id]);
    const row = await h.server.store.db
      .selectFrom('adjustment')
      .select('municipality_id')
      .where('id', '=', String(made.body.id))
      .executeTakeFirstOrThrow();
    expect(row.municipality_id).toBe('lovsala');
  });

  it('hides a protected household from staff without the authorization, fail-closed', async () => {
    const id = await h.apply('protected', 0, 'renewal', 'adj-protected');
    const body = { kind: 'cost', type: 'electricity', amount: 300, reason: REASON, basedOnVersion: 1 };
    // Before the register answers: not known, so hidden.
    expect((await h.call(CW, 'GET', ekbyCase(id, '/adjustments'))).status).toBe(404);
    expect(await h.drain()).toEqual(['needs-person']);
    expect((await adjust(id, body, 'adj-protected-0001')).status).toBe(404);
    expect((await h.call(CW, 'GET', ekbyCase(id, '/adjustments'))).status).toBe(404);
    expect((await h.call('ekby-auditor', 'GET', ekbyCase(id, '/adjustments'))).status).toBe(404);
    const made = await adjust(id, body, 'adj-protected-0002', SECOND);
    expect(made.status).toBe(201);
    expect((await review(id, made.body.id, 'approve', CW)).status).toBe(404);
    expect((await h.call(SECOND, 'GET', ekbyCase(id, '/adjustments'))).status).toBe(200);
  });
});

describe('the audit log', () => {
  it('has every read and write, in an unbroken chain, without identity numbers', async () => {
    const rows = await h.server.store.db.selectFrom('audit_log').selectAll().execute();
    const purposes = new Set(rows.map((r) => r.purpose));
    for (const p of [
      'adjustment-made',
      'adjustment-approved',
      'adjustment-rejected',
      'adjustment-replay',
      'adjustments-view',
      'decision-by-person',
    ])
      expect(purposes).toContain(p);
    const made = rows.filter((r) => r.purpose === 'adjustment-made');
    expect(made.every((r) => r.action === 'write' && r.object_type === 'adjustment')).toBe(true);
    const logged = JSON.stringify(rows);
    for (const hs of Object.values(h.pick))
      for (const household of hs) for (const m of household.members) expect(logged).not.toContain(m.personnummer);
    expect(await verifyAuditChain(h.server.store.db)).toMatchObject({ ok: true, checked: rows.length });
  });
});
