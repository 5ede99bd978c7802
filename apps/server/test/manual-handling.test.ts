/**
 * A person's part of the pipeline, over real HTTP with real tokens: a caseworker approves a
 * proposal or decides after acknowledging every flag, asks the applicant to complete the
 * application (the case waits, the answer sends it through the pipeline again), records a
 * recovery claim that the household's next application is checked for; protected identity is
 * for specially authorized staff only, fail-closed. Tenant isolation and bad input on each route.
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

const ekbyCase = (id: string, rest = '') => `/api/v1/municipalities/ekby/cases/${id}${rest}`;
const fields = (body: Record<string, unknown>) => (body.errors as { field: string }[]).map((e) => e.field);
const inDays = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });

async function acknowledgeAll(user: string, path: (rest?: string) => string): Promise<string[]> {
  const view = await h.call(user, 'GET', path());
  const open = (view.body.flags as { id: string; check: string; status: string }[]).filter((f) => f.status === 'open');
  for (const f of open)
    expect((await h.call(user, 'POST', path(`/flags/${f.id}/acknowledge`), { note: 'Kontrollerat.' })).status).toBe(
      200,
    );
  return open.map((f) => f.check);
}

describe('a person decides', () => {
  it("approves the system's proposal under the proposal policy (Lövsala); a retry changes nothing", async () => {
    const id = await h.apply('partner', 0, 'renewal', 'manual-proposal', { municipality: 'lovsala', rent: 5800 });
    expect(await h.drain()).toEqual(['needs-person']);
    const path = `/api/v1/municipalities/lovsala/cases/${id}`;
    const view = await h.call('lovsala-caseworker', 'GET', path);
    expect(view.status).toBe(200);
    expect(view.body.calculations).toEqual([
      expect.objectContaining({ version: 1, amount: 11_020, proposedOutcome: 'bifall', createdBy: 'system' }),
    ]);
    const decide = (user: string, outcome: string) =>
      h.call(user, 'POST', `${path}/decision`, { outcome, calculationVersion: 1 });
    const first = await decide('lovsala-caseworker', 'bifall');
    expect(first).toMatchObject({ status: 200, body: { outcome: 'bifall', amount: 11_020 } });
    // The same person's retry answers the same; anything else is a conflict.
    expect((await decide('lovsala-caseworker', 'bifall')).body.decision).toBe(first.body.decision);
    const other = await decide('lovsala-caseworker', 'avslag');
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ type: '/problems/conflict', conflict: 'already-decided' });

    const s = await h.state(id);
    expect(s.decisions).toHaveLength(1);
    expect(s.decisions[0]).toMatchObject({ automated: false, decided_by: 'lovsala-caseworker', outcome: 'bifall' });
    const calc = await h.server.store.db
      .selectFrom('calculation')
      .selectAll()
      .where('application_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(s.decisions[0]!.calculation_id).toBe(calc.id);
    expect(s.decisions[0]!.receipt).toEqual(calc.receipt);
    const own = await h.call(h.user('partner', 0), 'GET', `/api/v1/municipalities/lovsala/applications/${id}`);
    expect(own.body).toMatchObject({ status: 'decided', decision: { automated: false, amount: 11_020 } });
    expect((own.body.timeline as { actor: string }[]).at(-1)!.actor).toBe('lovsala-caseworker');
  });

  it('acknowledges every flag first; an adverse decision needs written reasons; a stale version is refused', async () => {
    const id = await h.apply('clean', 0, 'new', 'manual-new');
    expect(await h.drain()).toEqual(['needs-person']);
    const cw = 'ekby-caseworker';
    const decide = (body: unknown, lang = 'en') =>
      h.call(cw, 'POST', ekbyCase(id, '/decision'), body, { 'accept-language': lang });

    const early = await decide({ outcome: 'bifall', calculationVersion: 1 });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ conflict: 'open-flags' });
    expect(early.body.detail).toContain('new-application-meeting');

    expect(await acknowledgeAll(cw, (rest) => ekbyCase(id, rest))).toContain('new-application-meeting');
    const noReasons = await decide({ outcome: 'avslag', calculationVersion: 1 }, 'sv');
    expect(noReasons.status).toBe(400);
    expect(fields(noReasons.body)).toEqual(['statement']);
    expect(JSON.stringify(noReasons.body)).toContain('Skriv skälen för beslutet');
    expect((await decide({ outcome: 'bifall', calculationVersion: 2 })).body).toMatchObject({
      conflict: 'stale-calculation',
    });
    expect(fields((await decide({ outcome: 'beviljat', calculationVersion: 1 })).body)).toEqual(['outcome']);
    expect(fields((await decide({ outcome: 'bifall', calculationVersion: 0, extra: 1 })).body).sort()).toEqual([
      'calculationVersion',
      'extra',
    ]);
    // Nobody but a caseworker of the municipality decides.
    expect(
      (await h.call('ekby-coach', 'POST', ekbyCase(id, '/decision'), { outcome: 'bifall', calculationVersion: 1 }))
        .status,
    ).toBe(403);
    expect(
      (
        await h.call('lovsala-caseworker', 'POST', ekbyCase(id, '/decision'), {
          outcome: 'bifall',
          calculationVersion: 1,
        })
      ).status,
    ).toBe(404);
    expect((await h.state(id)).decisions).toHaveLength(0);

    // 2026, one adult: 5 220 + rent 6 200.
    const ok = await decide({ outcome: 'bifall', calculationVersion: 1 });
    expect(ok).toMatchObject({ status: 200, body: { outcome: 'bifall', amount: 11_420 } });
  });

  it('shows and lets decide a protected household only to specially authorized staff, also before the register answers', async () => {
    const id = await h.apply('protected', 0, 'renewal', 'manual-protected');
    // Not yet known: fail-closed.
    expect((await h.call('ekby-caseworker', 'GET', ekbyCase(id))).status).toBe(404);
    expect((await h.call('ekby-protected-caseworker', 'GET', ekbyCase(id))).status).toBe(200);
    expect(await h.drain()).toEqual(['needs-person']);
    expect((await h.call('ekby-caseworker', 'GET', ekbyCase(id))).status).toBe(404);
    expect((await h.call('ekby-auditor', 'GET', ekbyCase(id))).status).toBe(404);
    expect(
      (await h.call('ekby-caseworker', 'POST', ekbyCase(id, '/decision'), { outcome: 'bifall', calculationVersion: 1 }))
        .status,
    ).toBe(404);
    const view = await h.call('ekby-protected-caseworker', 'GET', ekbyCase(id));
    expect((view.body.flags as { check: string }[]).map((f) => f.check)).toContain('protected-identity');
    await acknowledgeAll('ekby-protected-caseworker', (rest) => ekbyCase(id, rest));
    expect(
      (
        await h.call('ekby-protected-caseworker', 'POST', ekbyCase(id, '/decision'), {
          outcome: 'bifall',
          calculationVersion: 1,
        })
      ).status,
    ).toBe(200);
  });
});

describe('waiting for the applicant', () => {
  it('asks for completion; the answer, with a corrected form, goes through the pipeline again', async () => {
    // Rent 8 000 kr is above Ekby's 7 200 guideline: a partial refusal, which a person decides.
    const id = await h.apply('clean', 1, 'renewal', 'manual-complete', { rent: 8000 });
    expect(await h.drain()).toEqual(['needs-person']);
    const cw = 'ekby-caseworker';
    const request = { message: 'Skicka ditt nya hyresavtal.', items: ['Hyresavtal'], dueDate: inDays(14) };
    const asked = await h.call(cw, 'POST', ekbyCase(id, '/completion-request'), request);
    expect(asked).toMatchObject({ status: 201, body: { status: 'waiting-applicant' } });
    expect((await h.call(cw, 'POST', ekbyCase(id, '/completion-request'), request)).body).toEqual(asked.body);
    expect(
      (await h.call(cw, 'POST', ekbyCase(id, '/decision'), { outcome: 'delavslag', calculationVersion: 1 })).body,
    ).toMatchObject({ conflict: 'not-awaiting-person' });

    const applicant = h.user('clean', 1);
    const own = `/api/v1/municipalities/ekby/applications/${id}`;
    const mine = await h.call(applicant, 'GET', own);
    expect(mine.body).toMatchObject({
      status: 'waiting-applicant',
      completionRequest: { items: ['Hyresavtal'], dueDate: request.dueDate, answeredAt: null },
    });

    // A corrected form with a bad amount is refused naming the field; nothing changes.
    const corrected = h.draft(h.pick.clean![1]!, 7000);
    const bad = await h.call(
      applicant,
      'POST',
      `${own}/completion`,
      { message: 'Här är avtalet.', content: { ...corrected, costs: [{ type: 'rent', amount: -7000 }] } },
      { 'idempotency-key': 'answer-bad-1', 'accept-language': 'en' },
    );
    expect(bad.status).toBe(400);
    expect(fields(bad.body)).toEqual(['content.costs[0].amount']);
    expect((await h.state(id)).status).toBe('waiting-applicant');

    const answer = () =>
      h.call(
        applicant,
        'POST',
        `${own}/completion`,
        { message: 'Här är avtalet; hyran är 7 000 kr.', content: corrected },
        {
          'idempotency-key': 'answer-good-1',
        },
      );
    expect((await answer()).status).toBe(202);
    expect((await answer()).status).toBe(202); // a retry: nothing twice
    const jobs = await h.server.store.db
      .selectFrom('job')
      .select('id')
      .where('application_id', '=', id)
      .where('done_at', 'is', null)
      .execute();
    expect(jobs).toHaveLength(1);

    // Rent 7 000 is within the guideline: 5 220 + 7 000, decided by the system on version 2.
    expect(await h.drain()).toEqual(['decided']);
    const s = await h.state(id);
    expect(s.events.map((e) => e.status)).toEqual([
      'draft',
      'received',
      'collecting',
      'assessing',
      'needs-person',
      'waiting-applicant',
      'received',
      'collecting',
      'assessing',
      'decided',
    ]);
    expect(s.decisions[0]).toMatchObject({ outcome: 'bifall', automated: true });
    expect(Number(s.decisions[0]!.amount_ore)).toBe(1_222_000);
    const view = await h.call(cw, 'GET', ekbyCase(id));
    expect((view.body.calculations as { version: number; amount: number }[]).map((c) => [c.version, c.amount])).toEqual(
      [
        [1, 12_420],
        [2, 12_220],
      ],
    );
    // The submitted form is kept as it was; the corrected one is the case's current form.
    expect((view.body.snapshot as { costs: { amount: number }[] }).costs[0]!.amount).toBe(8000);
    expect((view.body.content as { costs: { amount: number }[] }).costs[0]!.amount).toBe(7000);
    // Answering again when nothing is asked is a conflict.
    const late = await h.call(
      applicant,
      'POST',
      `${own}/completion`,
      { message: 'Igen.' },
      { 'idempotency-key': 'answer-late-1' },
    );
    expect(late.body).toMatchObject({ status: 409, conflict: 'not-waiting' });
  });

  it('refuses a bad completion request naming the field, and isolates municipalities', async () => {
    const id = await h.apply('clean', 3, 'new', 'manual-bad-request');
    expect(await h.drain()).toEqual(['needs-person']);
    const post = (user: string, body: unknown) =>
      h.call(user, 'POST', ekbyCase(id, '/completion-request'), body, { 'accept-language': 'en' });
    const past = await post('ekby-caseworker', {
      message: 'Skicka underlag.',
      items: ['Kontoutdrag'],
      dueDate: inDays(-2),
    });
    expect(past.status).toBe(400);
    expect(fields(past.body)).toEqual(['dueDate']);
    expect(
      fields((await post('ekby-caseworker', { message: 'Skicka underlag.', items: [], dueDate: inDays(7) })).body),
    ).toEqual(['items']);
    expect(
      (await post('lovsala-caseworker', { message: 'Skicka underlag.', items: ['Kontoutdrag'], dueDate: inDays(7) }))
        .status,
    ).toBe(404);
    expect(
      (await post('ekby-auditor', { message: 'Skicka underlag.', items: ['Kontoutdrag'], dueDate: inDays(7) })).status,
    ).toBe(403);
    expect((await h.state(id)).status).toBe('needs-person');
  });
});

describe('recovery claims', () => {
  it("records a claim idempotently; the household's next application goes to a person", async () => {
    const id = await h.apply('clean', 2, 'renewal', 'manual-claim');
    expect(await h.drain()).toEqual(['decided']);
    const claim = {
      amount: 2500.5,
      basis: 'sol-9-1',
      reason: 'Inkomst som inte redovisades i oktober.',
      decidedOn: inDays(0),
    };
    const post = (body: unknown, key?: string, user = 'ekby-caseworker') =>
      h.call(user, 'POST', ekbyCase(id, '/recovery-claims'), body, {
        'accept-language': 'en',
        ...(key ? { 'idempotency-key': key } : {}),
      });
    const first = await post(claim, 'claim-key-0001');
    expect(first.status).toBe(201);
    expect((await post(claim, 'claim-key-0001')).body).toEqual(first.body);
    expect(fields((await post({ ...claim, amount: 1.234 }, 'claim-key-0002')).body)).toEqual(['amount']);
    expect(fields((await post({ ...claim, decidedOn: inDays(3) }, 'claim-key-0003')).body)).toEqual(['decidedOn']);
    expect(fields((await post({ ...claim, basis: 'sol-4-1' }, 'claim-key-0004')).body)).toEqual(['basis']);
    expect(fields((await post(claim)).body)).toEqual(['idempotency-key']);
    expect((await post(claim, 'claim-key-0005', 'lovsala-caseworker')).status).toBe(404);
    const rows = await h.server.store.db.selectFrom('recovery_claim').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]!.amount_ore)).toBe(250_050);

    const next = await h.apply('clean', 2, 'renewal', 'manual-claim-next', { month: '2026-12' });
    expect(await h.drain()).toEqual(['needs-person']);
    const flags = await h.server.store.db
      .selectFrom('flag')
      .select('check_id')
      .where('application_id', '=', next)
      .execute();
    expect(flags.map((f) => f.check_id)).toEqual(['recent-recovery-claim']);
    const view = await h.call('ekby-caseworker', 'GET', ekbyCase(next));
    expect(view.body.recoveryClaims).toEqual([expect.objectContaining({ amount: 2500.5, basis: 'sol-9-1' })]);
  });

  it('keeps every write in an unbroken audit chain without identity numbers', async () => {
    const rows = await h.server.store.db.selectFrom('audit_log').selectAll().execute();
    const purposes = new Set(rows.map((r) => r.purpose));
    for (const p of [
      'decision-by-person',
      'completion-requested',
      'completion-answered',
      'recovery-claim-recorded',
      'flag-acknowledged',
      'case-view',
    ])
      expect(purposes).toContain(p);
    // None of the households' identity numbers (a digit pattern would also match inside hashes).
    const logged = JSON.stringify(rows);
    for (const hs of Object.values(h.pick))
      for (const household of hs) for (const m of household.members) expect(logged).not.toContain(m.personnummer);
    expect(await verifyAuditChain(h.server.store.db)).toMatchObject({ ok: true, checked: rows.length });
  });
});
