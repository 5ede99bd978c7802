/**
 * Sample checks (stickprov) over real HTTP with real tokens and a real database: staff draw a
 * month of decisions once, anyone with the recorded seed and list draws the same sample again,
 * the applicant is asked for documents and answers, a caseworker records the outcome and a
 * recovery claim, and the report gives the error rate with its interval. Tenant isolation,
 * protected identity, roles, bad input and the audit log on the way.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issuePendingLetters } from '../src/letters/service.ts';
import { pdfText } from './pdf-text.ts';
import { drawSample, sampleStrata, wilsonInterval } from '@tillit/domain';
import type { Stratum } from '@tillit/domain';
import { verifyAuditChain } from '../src/audit.ts';
import type { Municipality, MunicipalitySettings } from '../src/municipalities.ts';
import { isCleanRenewal, startHarness } from './pipeline-harness.ts';
import type { Harness } from './pipeline-harness.ts';

let h: Harness;
/** The applications of the real, pipeline-decided ekby cases, by harness index. */
const real: string[] = [];
const SYNTHETIC = 300;

const ekby = (rest: string) => `/api/v1/municipalities/ekby${rest}`;
const fields = (body: Record<string, unknown>) => (body.errors as { field: string }[]).map((e) => e.field);

/** Changes a municipality's sampling settings for the running server (the settings an administrator sets). */
function setSampling(id: string, patch: Partial<MunicipalitySettings>) {
  const map = h.server.municipalities as Map<string, Municipality>;
  const m = map.get(id)!;
  map.set(id, { ...m, settings: { ...m.settings, ...patch } });
}

beforeAll(async () => {
  h = await startHarness((find) => ({ clean: find(isCleanRenewal, 5), partner: find(isCleanRenewal, 1, '9902') }));
  await h.confirm2026();
  for (let i = 0; i < 5; i++) real.push(await h.apply('clean', i, 'renewal', `stickprov-${i}`));
  const partner = await h.apply('partner', 0, 'renewal', 'stickprov-partner', { municipality: 'lovsala', rent: 5800 });
  expect(await h.drain()).toEqual([...real.map(() => 'decided'), 'needs-person']);
  const approved = await h.call(
    'lovsala-caseworker',
    'POST',
    `/api/v1/municipalities/lovsala/cases/${partner}/decision`,
    {
      outcome: 'bifall',
      calculationVersion: 1,
    },
  );
  expect(approved.status).toBe(200);
  const db = h.server.store.db;
  // The real decisions were made in October (Swedish time).
  await db.updateTable('decision').set({ created_at: '2026-10-15T10:00:00Z' }).execute();

  // September: 300 decisions granting an amount, half in each of Ekby's bands, and 20 refusals.
  const snapshot = JSON.stringify({ ...h.draft(h.pick.clean![0]!), incomes: [{ type: 'salary', amount: 1000 }] });
  const apps = Array.from({ length: SYNTHETIC + 20 }, (_, i) => ({
    id: randomUUID(),
    municipality_id: 'ekby',
    applicant: `synthetic-household-${i}`,
    kind: 'renewal' as const,
    month: '2026-09',
    status: 'decided' as const,
    snapshot,
    submitted_at: '2026-09-01T08:00:00Z',
    protected_identity: false,
  }));
  await db.insertInto('application').values(apps).execute();
  await db
    .insertInto('decision')
    .values(
      apps.map((a, i) => ({
        id: randomUUID(),
        application_id: a.id,
        municipality_id: 'ekby',
        outcome: i < SYNTHETIC ? ('bifall' as const) : ('avslag' as const),
        amount_ore: i >= SYNTHETIC ? 0 : i % 2 === 0 ? 800_000 + i * 100 : 1_500_000 + i * 100,
        automated: true,
        decided_by: 'system',
        reasons: '[]',
        receipt: '{}',
        created_at: `2026-09-${String(1 + (i % 28)).padStart(2, '0')}T09:00:00Z`,
      })),
    )
    .execute();
});
afterAll(async () => {
  await h?.close();
});

interface Draw {
  id: string;
  seed: string;
  method: string;
  strata: Stratum[];
  eligibleCount: number;
  eligibleHash: string;
  selectedCount: number;
  eligible: { decision: string; amountOre: number; stratum: number; selected: boolean }[];
}

describe('drawing a month', () => {
  it('draws once: the same period again answers with the same draw and seed', async () => {
    const first = await h.call('ekby-caseworker', 'POST', ekby('/sample-draws'), { period: '2026-09' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      period: '2026-09',
      method: 'hmac-sha256-v1',
      strata: sampleStrata(500, [
        { fromKronor: 0, rateBasisPoints: 500 },
        { fromKronor: 15000, rateBasisPoints: 1500 },
      ]),
      eligibleCount: SYNTHETIC,
      drawnBy: 'ekby-caseworker',
    });
    expect(first.body.seed).toMatch(/^[0-9a-f]{64}$/);
    const again = await h.call('ekby-admin', 'POST', ekby('/sample-draws'), { period: '2026-09' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const rows = await h.server.store.db
      .selectFrom('sample_draw')
      .selectAll()
      .where('period', '=', '2026-09')
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('draws once when two people draw the same month at the same time', async () => {
    const [a, b] = await Promise.all([
      h.call('ekby-caseworker', 'POST', ekby('/sample-draws'), { period: '2026-08' }),
      h.call('ekby-admin', 'POST', ekby('/sample-draws'), { period: '2026-08' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.seed).toBe(b.body.seed);
    expect(a.body).toMatchObject({ eligibleCount: 0, selectedCount: 0 });
  });

  it('can be drawn again by anyone from the recorded seed and list, and verified', async () => {
    const view = await h.call('ekby-auditor', 'GET', ekby('/sample-draws/2026-09'));
    expect(view.status).toBe(200);
    const d = view.body as unknown as Draw;
    expect(d.eligible).toHaveLength(SYNTHETIC);
    // Re-draw with the library, as an outsider would: the same sample.
    const redrawn = drawSample({
      seed: d.seed,
      strata: d.strata,
      eligible: d.eligible.map((e) => ({ id: e.decision, amountOre: e.amountOre })),
    });
    expect(redrawn.eligibleHash).toBe(d.eligibleHash);
    expect(redrawn.selected).toEqual(d.eligible.filter((e) => e.selected).map((e) => e.decision));
    expect(redrawn.selected).toHaveLength(d.selectedCount);
    // 150 decisions at 5 % and 150 at 15 %: 30 expected; more than 0 with certainty but for ~1e-12.
    expect(d.selectedCount).toBeGreaterThan(0);
    expect(d.eligible.filter((e) => e.amountOre >= 1_500_000).every((e) => e.stratum === 1)).toBe(true);

    const checks = await h.call('ekby-caseworker', 'GET', ekby('/sample-checks?period=2026-09'));
    expect(checks.status).toBe(200);
    const list = checks.body.checks as { decision: string; documents: { code: string }[]; status: string }[];
    expect(list.map((c) => c.decision).sort()).toEqual(redrawn.selected);
    expect(list[0]!.documents.map((x) => x.code)).toEqual(['bank-statements', 'rent-notice', 'payslips']);
    expect(list.every((c) => c.status === 'requested')).toBe(true);

    const verified = await h.call('ekby-auditor', 'GET', ekby('/sample-draws/2026-09/verification'));
    expect(verified.body).toMatchObject({
      ok: true,
      redraw: { ok: true, eligibleHashMatches: true, selectionMatches: true, missing: [], unexpected: [] },
      checksMatch: true,
      decisionsUnchanged: true,
      currentEligibleHash: d.eligibleHash,
    });
  });

  it('cannot be changed; a decision added to the period afterwards shows in the verification', async () => {
    const db = h.server.store.db;
    await expect(db.deleteFrom('sample_draw_item').execute()).rejects.toThrow(/cannot change/);
    const late = { id: randomUUID(), municipality_id: 'ekby', applicant: 'synthetic-late' };
    await db
      .insertInto('application')
      .values({
        ...late,
        kind: 'renewal',
        month: '2026-09',
        status: 'decided',
        snapshot: '{}',
        protected_identity: false,
      })
      .execute();
    await db
      .insertInto('decision')
      .values({
        id: randomUUID(),
        application_id: late.id,
        municipality_id: 'ekby',
        outcome: 'bifall',
        amount_ore: 500_000,
        automated: true,
        decided_by: 'system',
        reasons: '[]',
        receipt: '{}',
        created_at: '2026-09-30T20:00:00Z',
      })
      .execute();
    const v = await h.call('ekby-caseworker', 'GET', ekby('/sample-draws/2026-09/verification'));
    expect(v.body).toMatchObject({ ok: false, redraw: { ok: true }, checksMatch: true, decisionsUnchanged: false });
  });

  it('refuses a month that has not ended, bad input, other roles and other municipalities', async () => {
    const now = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' }).slice(0, 7);
    const early = await h.call(
      'ekby-caseworker',
      'POST',
      ekby('/sample-draws'),
      { period: now },
      { 'accept-language': 'en' },
    );
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ type: '/problems/conflict', conflict: 'period-not-ended' });
    expect(early.body.detail).toContain('has not ended');
    const bad = await h.call('ekby-caseworker', 'POST', ekby('/sample-draws'), { period: '2026-13', seed: 'x' });
    expect(bad.status).toBe(400);
    expect(fields(bad.body).sort()).toEqual(['period', 'seed']);
    expect(JSON.stringify(bad.body)).toContain('Ange en månad som ÅÅÅÅ-MM.');
    expect((await h.call('ekby-caseworker', 'GET', ekby('/sample-draws/2026-13'))).status).toBe(400);
    expect((await h.call('ekby-caseworker', 'GET', ekby('/sample-draws/2026-07'))).status).toBe(404);
    expect((await h.call('ekby-auditor', 'POST', ekby('/sample-draws'), { period: '2026-07' })).status).toBe(403);
    expect((await h.call('ekby-coach', 'GET', ekby('/sample-draws/2026-09'))).status).toBe(403);
    expect((await h.call('lovsala-caseworker', 'POST', ekby('/sample-draws'), { period: '2026-07' })).status).toBe(404);
    expect((await h.call('lovsala-auditor', 'GET', ekby('/sample-draws/2026-09'))).status).toBe(404);
    expect((await h.call(h.user('clean', 0), 'GET', ekby('/sample-draws/2026-09'))).status).toBe(404);
  });
});

describe('following up a drawn case', () => {
  const checkOf = async (application: string) => {
    const list = await h.call('ekby-caseworker', 'GET', ekby('/sample-checks?period=2026-10'));
    return (list.body.checks as { id: string; application: string }[]).find((c) => c.application === application)!.id;
  };

  beforeAll(async () => {
    // A municipality that checks every decision, so that each real case is drawn.
    setSampling('ekby', { sampleRateBasisPoints: 10_000, sampleStrata: [] });
    setSampling('lovsala', { sampleRateBasisPoints: 10_000 });
    const d = await h.call('ekby-caseworker', 'POST', ekby('/sample-draws'), { period: '2026-10' });
    expect(d.body).toMatchObject({ eligibleCount: 5, selectedCount: 5 });
    // The host's caseworker draws for the partner municipality.
    const p = await h.call('ekby-caseworker', 'POST', '/api/v1/municipalities/lovsala/sample-draws', {
      period: '2026-10',
    });
    expect(p.body).toMatchObject({ eligibleCount: 1, selectedCount: 1 });
  });

  it('asks the applicant for named documents; the applicant answers once', async () => {
    const me = h.user('clean', 0);
    const path = ekby(`/applications/${real[0]}/sample-check`);
    // The application's own status says that a sample check waits.
    const status = await h.call(me, 'GET', ekby(`/applications/${real[0]}`));
    expect(status.body.sampleCheck).toMatchObject({ answered: false });
    const view = await h.call(me, 'GET', path, undefined, { 'accept-language': 'en' });
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ status: 'requested', answeredAt: null, documentsSent: [] });
    expect(view.body.message).toContain('random sample check');
    expect((view.body.documents as { code: string; label: string }[]).map((x) => x.code)).toEqual([
      'bank-statements',
      'rent-notice',
    ]);
    expect((view.body.documents as { label: string }[])[1]!.label).toBe('Rent notice or rent receipt for the month');
    // Nobody else's.
    expect((await h.call(h.user('clean', 1), 'GET', path)).status).toBe(404);
    expect(
      (await h.call(me, 'GET', `/api/v1/municipalities/lovsala/applications/${real[0]}/sample-check`)).status,
    ).toBe(404);

    const answer = (body: unknown, key: string, user = me) =>
      h.call(user, 'POST', `${path}/answer`, body, { 'idempotency-key': key });
    const unknown = await answer(
      { message: 'Skickat.', documentsSent: ['bank-statements', 'passport'] },
      'answer-key-0',
    );
    expect(unknown.status).toBe(400);
    expect(fields(unknown.body)).toEqual(['documentsSent[1]']);
    expect((await answer({ message: '' }, 'answer-key-0')).status).toBe(400);
    expect((await h.call(me, 'POST', `${path}/answer`, { message: 'x' })).status).toBe(400); // no Idempotency-Key
    const body = {
      message: 'Jag har skickat kontoutdrag och hyresavi.',
      documentsSent: ['bank-statements', 'rent-notice'],
    };
    expect((await answer(body, 'answer-key-1')).status).toBe(202);
    expect((await answer(body, 'answer-key-1')).status).toBe(202);
    const twice = await answer(body, 'answer-key-2');
    expect(twice).toMatchObject({ status: 409, body: { conflict: 'already-answered' } });
    expect((await answer(body, 'answer-key-3', h.user('clean', 1))).status).toBe(404);
    expect((await h.call(me, 'GET', path)).body).toMatchObject({
      status: 'answered',
      documentsSent: ['bank-statements', 'rent-notice'],
    });

    const staffView = await h.call('ekby-caseworker', 'GET', ekby(`/sample-checks/${await checkOf(real[0]!)}`));
    expect(staffView.body).toMatchObject({
      status: 'answered',
      decisionAmount: 11_420,
      answer: { message: body.message, documentsSent: body.documentsSent },
      outcome: null,
    });
  });

  it('sends each drawn household a letter naming the documents and saying it is no suspicion', async () => {
    let issued = 0;
    for (
      let n = await issuePendingLetters(h.server.app.letters);
      n > 0;
      n = await issuePendingLetters(h.server.app.letters)
    )
      issued += n;
    const checks = await h.server.store.db.selectFrom('sample_check').select('id').execute();
    // One letter per drawn case (the decisions' own letters wait for payments, not scheduled here).
    expect(issued).toBe(checks.length);
    const me = h.user('clean', 0);
    const list = await h.call(me, 'GET', ekby(`/applications/${real[0]}/letters`));
    const letters = list.body.letters as { id: string; kind: string; title: string }[];
    expect(letters.map((l) => [l.kind, l.title])).toEqual([
      ['sample-check', 'Du är utvald till en stickprovskontroll'],
    ]);
    const res = await fetch(`${h.server.url}${ekby(`/applications/${real[0]}/letters/${letters[0]!.id}?format=pdf`)}`, {
      headers: { authorization: `Bearer ${await h.server.tokenFor(me)}` },
    });
    expect(res.status).toBe(200);
    const text = pdfText(Buffer.from(await res.arrayBuffer()));
    expect(text).toContain('Det betyder inte att vi misstänker något fel.');
    expect(text).toContain('Kontoutdrag för alla dina konton');
    expect(text).toContain('Hyresavi eller hyreskvitto för månaden');
    // Some forty PDFs printed one by one: a generous limit for a busy machine (CI runs files in parallel).
  }, 180_000);

  it('records the outcome once: confirmed, discrepancy with an amount, or no answer after the due date', async () => {
    const cw = 'ekby-caseworker';
    const outcome = (check: string, body: unknown, lang = 'sv') =>
      h.call(cw, 'POST', ekby(`/sample-checks/${check}/outcome`), body, { 'accept-language': lang });
    const [c0, c1, c2] = [await checkOf(real[0]!), await checkOf(real[1]!), await checkOf(real[2]!)];

    expect((await outcome(c0, { outcome: 'no-answer', note: 'Inget svar.' })).body).toMatchObject({
      conflict: 'answered',
    });
    const confirmed = await outcome(c0, { outcome: 'confirmed', note: 'Kontoutdrag och hyresavi stämmer.' });
    expect(confirmed).toMatchObject({ status: 200, body: { status: 'closed', outcome: { outcome: 'confirmed' } } });
    expect((await outcome(c0, { outcome: 'confirmed', note: 'Kontoutdrag och hyresavi stämmer.' })).status).toBe(200);
    expect((await outcome(c0, { outcome: 'discrepancy', amount: 100, note: 'Ändrat mig.' }, 'en')).body).toMatchObject({
      status: 409,
      conflict: 'outcome-recorded',
      detail: expect.stringContaining('already'),
    });

    expect(fields((await outcome(c1, { outcome: 'discrepancy', note: 'Lön saknades.' })).body)).toEqual(['amount']);
    expect(fields((await outcome(c1, { outcome: 'confirmed', amount: 5, note: 'Stämmer.' })).body)).toEqual(['amount']);
    expect(fields((await outcome(c1, { outcome: 'discrepancy', amount: 10.005, note: 'Lön.' })).body)).toEqual([
      'amount',
    ]);
    expect(fields((await outcome(c1, { outcome: 'maybe', note: 'Lön.' })).body)).toEqual(['outcome']);
    const tooMuch = await outcome(c1, { outcome: 'discrepancy', amount: 20_000, note: 'Lön saknades.' }, 'en');
    expect(tooMuch.body).toMatchObject({ status: 400, errors: [{ field: 'amount', code: 'exceeds-decision' }] });
    const wrong = await outcome(c1, { outcome: 'discrepancy', amount: 1200.5, note: 'Lön på 1 200,50 kr saknades.' });
    expect(wrong.body).toMatchObject({ status: 'closed', outcome: { outcome: 'discrepancy', amount: 1200.5 } });

    expect((await outcome(c2, { outcome: 'no-answer', note: 'Inget svar.' })).body).toMatchObject({
      conflict: 'not-due',
    });
    await h.server.store.db.updateTable('sample_check').set({ due_date: '2026-01-01' }).where('id', '=', c2).execute();
    expect((await outcome(c2, { outcome: 'no-answer', note: 'Inget svar.' })).body).toMatchObject({
      outcome: { outcome: 'no-answer', amount: null },
    });
    // The applicant cannot answer a closed check.
    const late = await h.call(
      h.user('clean', 2),
      'POST',
      ekby(`/applications/${real[2]}/sample-check/answer`),
      { message: 'Sent nu.' },
      { 'idempotency-key': 'late-answer' },
    );
    expect(late.body).toMatchObject({ conflict: 'closed' });
    // Only a caseworker of the municipality.
    expect(
      (
        await h.call('ekby-auditor', 'POST', ekby(`/sample-checks/${c2}/outcome`), {
          outcome: 'confirmed',
          note: 'Ok.',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await h.call('lovsala-caseworker', 'POST', ekby(`/sample-checks/${c2}/outcome`), {
          outcome: 'confirmed',
          note: 'Stämmer.',
        })
      ).status,
    ).toBe(404);
    expect(
      (await h.call('lovsala-caseworker', 'GET', `/api/v1/municipalities/lovsala/sample-checks/${c2}`)).status,
    ).toBe(404);
  });

  it('records the recovery claim a discrepancy led to, once, through the pipeline', async () => {
    const cw = 'ekby-caseworker';
    const [c0, c1] = [await checkOf(real[0]!), await checkOf(real[1]!)];
    const claim = (check: string, body: unknown) =>
      h.call(cw, 'POST', ekby(`/sample-checks/${check}/recovery-claim`), body);
    const body = { basis: 'sol-9-1', reason: 'Lön undanhölls i ansökan för oktober.', decidedOn: '2026-11-02' };
    expect((await claim(c0, body)).body).toMatchObject({ conflict: 'no-discrepancy' });
    expect(fields((await claim(c1, { ...body, amount: 5000 })).body)).toEqual(['amount']);
    expect(fields((await claim(c1, { ...body, decidedOn: '2099-01-01' })).body)).toEqual(['decidedOn']);
    expect(fields((await claim(c1, { ...body, basis: 'sol-1-1' })).body)).toEqual(['basis']);
    const first = await claim(c1, body);
    expect(first.status).toBe(201);
    expect((await claim(c1, body)).body).toEqual(first.body);
    const claims = await h.server.store.db.selectFrom('recovery_claim').selectAll().execute();
    expect(claims).toHaveLength(1);
    expect(claims[0]).toMatchObject({ id: first.body.recoveryClaim, application_id: real[1], basis: 'sol-9-1' });
    expect(Number(claims[0]!.amount_ore)).toBe(120_050);
    const caseView = await h.call(cw, 'GET', ekby(`/cases/${real[1]}`));
    expect(caseView.body.recoveryClaims).toEqual([expect.objectContaining({ amount: 1200.5, basis: 'sol-9-1' })]);
    expect((await h.call(cw, 'GET', ekby(`/sample-checks/${c1}`))).body.recoveryClaim).toBe(first.body.recoveryClaim);
  });

  it('reports per period: counts, the error rate with a 95 % interval, the amount found wrong', async () => {
    const r = await h.call('ekby-admin', 'GET', ekby('/sample-checks/report?from=2026-10&to=2026-10'));
    expect(r.status).toBe(200);
    const period = (r.body.periods as Record<string, unknown>[])[0]!;
    const wilson = wilsonInterval(1, 2)!;
    expect(period).toMatchObject({
      period: '2026-10',
      eligible: 5,
      drawn: 5,
      answered: 1,
      confirmed: 1,
      discrepancies: 1,
      noAnswer: 1,
      open: 2,
      amountFoundWrong: 1200.5,
      errorRate: { estimate: 0.5, lower: wilson.lower, upper: wilson.upper },
      errorOrUnverifiedRate: { estimate: 2 / 3 },
      populationErrorRate: { estimate: 0.5 },
    });
    expect(r.body.total).toMatchObject({ drawn: 5, discrepancies: 1 });
    const all = await h.call('ekby-auditor', 'GET', ekby('/sample-checks/report'));
    expect((all.body.periods as { period: string }[]).map((p) => p.period)).toEqual(['2026-08', '2026-09', '2026-10']);
    expect(all.body.periods).toEqual([
      expect.objectContaining({ period: '2026-08', eligible: 0, drawn: 0, errorRate: null, populationErrorRate: null }),
      expect.objectContaining({ period: '2026-09', eligible: SYNTHETIC, errorRate: null }),
      expect.anything(),
    ]);
    expect(fields((await h.call('ekby-admin', 'GET', ekby('/sample-checks/report?from=oct'))).body)).toEqual(['from']);
    expect((await h.call('lovsala-auditor', 'GET', ekby('/sample-checks/report'))).status).toBe(404);
    expect((await h.call('ekby-coach', 'GET', ekby('/sample-checks/report'))).status).toBe(403);
  });

  it('shows a protected household only to specially authorized staff', async () => {
    const c3 = await checkOf(real[3]!);
    await h.server.store.db
      .updateTable('application')
      .set({ protected_identity: true })
      .where('id', '=', real[3]!)
      .execute();
    expect((await h.call('ekby-caseworker', 'GET', ekby(`/sample-checks/${c3}`))).status).toBe(404);
    expect(
      (
        await h.call('ekby-caseworker', 'POST', ekby(`/sample-checks/${c3}/outcome`), {
          outcome: 'confirmed',
          note: 'Ok.',
        })
      ).status,
    ).toBe(404);
    const list = await h.call('ekby-caseworker', 'GET', ekby('/sample-checks?period=2026-10'));
    expect(list.body.hidden).toBe(1);
    expect((list.body.checks as unknown[]).length).toBe(4);
    expect((await h.call('ekby-protected-caseworker', 'GET', ekby(`/sample-checks/${c3}`))).status).toBe(200);
  });

  it('has every draw, answer and outcome in an intact audit log, without identity numbers', async () => {
    const db = h.server.store.db;
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    const purposes = (
      await db.selectFrom('audit_log').select('purpose').where('object_type', 'like', 'sample-%').execute()
    ).map((r) => r.purpose);
    for (const p of [
      'sample-drawn',
      'sample-check-created',
      'sample-draw-view',
      'sample-draw-verification',
      'sample-checks-list',
      'sample-check-view',
      'own-sample-check',
      'sample-check-answered',
      'sample-check-outcome',
      'sample-check-recovery-claim',
      'sample-check-report',
    ])
      expect(purposes).toContain(p);
    const text = JSON.stringify(await db.selectFrom('audit_log').selectAll().execute());
    for (const hh of h.pick.clean!) expect(text).not.toContain(hh.members[0]!.personnummer);
  });
});
