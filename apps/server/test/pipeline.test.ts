/**
 * The whole pipeline on a real database, real HTTP, real tokens and the authority simulator:
 * submission → the authorities' data → checks → rule book → decision or a person. Also: an
 * authority outage (wait, never decide, then recover), a worker that dies mid-case, and two
 * workers racing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTraits } from '@tillit/authority-sim';
import { raiseOverdueAlerts } from '../src/pipeline/alerts.ts';
import { claimNext, processJob, runWorker } from '../src/pipeline/worker.ts';
import { isCleanRenewal, startHarness } from './pipeline-harness.ts';
import type { Harness } from './pipeline-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness((find) => ({
    clean: find(isCleanRenewal, 11),
    partner: find(isCleanRenewal, 1, '9902'),
    protected: find((x) => hasTraits(x, 'protected-identity', 'single'), 1),
  }));
});
afterAll(async () => {
  await h?.close();
});

describe('the automated case pipeline', () => {
  it('does not decide automatically while the month’s amounts are unconfirmed (2026 is derived)', async () => {
    const id = await h.apply('clean', 0, 'renewal', 'pipeline-unconfirmed');
    expect(await h.drain()).toEqual(['needs-person']);
    const s = await h.state(id);
    expect(s.status).toBe('needs-person');
    expect(s.decisions).toHaveLength(0);
    expect(JSON.stringify(s.events.at(-1)!.note)).toContain('neither verified against the statute nor confirmed');
  });

  it('decides a clean renewal automatically (bifall) with the receipt, after data from every source', async () => {
    await h.confirm2026();
    const id = await h.apply('clean', 1, 'renewal', 'pipeline-clean');
    expect(await h.drain()).toEqual(['decided']);
    const s = await h.state(id);
    expect(s.events.map((e) => e.status)).toEqual(['draft', 'received', 'collecting', 'assessing', 'decided']);
    expect(s.decisions).toHaveLength(1);
    const d = s.decisions[0]!;
    expect(d).toMatchObject({ outcome: 'bifall', automated: true });
    // It says that it was automated and how to have a person review it.
    expect(JSON.stringify(d.reasons)).toContain('rätt att få beslutet prövat av en handläggare');
    // 2026 single adult: 3 940 + 1 280 = 5 220; rent 6 200 within Ekby's 7 200 guideline.
    expect(Number(d.amount_ore)).toBe(1_142_000);
    expect((d.receipt as { rulebook: { hash: string } }).rulebook.hash).toBe(h.server.rulebook.hash);
    const sources = await h.server.store.db
      .selectFrom('evidence')
      .select('source')
      .where('application_id', '=', id)
      .execute();
    expect(sources.map((r) => r.source).sort()).toEqual(
      [
        'arbetsformedlingen',
        'csn',
        'forsakringskassan',
        'income-register',
        'pensionsmyndigheten',
        'population-register',
        'transportstyrelsen',
        'unemployment-fund',
      ].sort(),
    );
  });

  it('sends a new application to a person (the meeting comes first) and protected identity always', async () => {
    const fresh = await h.apply('clean', 2, 'new', 'pipeline-new');
    const hidden = await h.apply('protected', 0, 'renewal', 'pipeline-protected');
    expect((await h.drain()).sort()).toEqual(['needs-person', 'needs-person']);
    const flags = await h.server.store.db
      .selectFrom('flag')
      .select(['application_id', 'check_id', 'outcome'])
      .where('application_id', 'in', [fresh, hidden])
      .execute();
    expect(flags.filter((f) => f.application_id === fresh).map((f) => f.check_id)).toContain('new-application-meeting');
    expect(flags.filter((f) => f.application_id === hidden)).toContainEqual(
      expect.objectContaining({ check_id: 'protected-identity', outcome: 'block' }),
    );

    // A flag is a first-class object a caseworker of the municipality acknowledges, with a note.
    const meeting = await h.server.store.db
      .selectFrom('flag')
      .select('id')
      .where('application_id', '=', fresh)
      .where('check_id', '=', 'new-application-meeting')
      .executeTakeFirstOrThrow();
    const ack = async (user: string, body: unknown) =>
      fetch(`${h.server.url}/api/v1/municipalities/ekby/cases/${fresh}/flags/${meeting.id}/acknowledge`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await h.server.tokenFor(user)}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await ack('lovsala-caseworker', { note: 'Mötet hölls 2026-11-24.' })).status).toBe(404);
    expect((await ack('ekby-caseworker', { note: '' })).status).toBe(400);
    expect((await ack('ekby-caseworker', { note: 'Mötet hölls 2026-11-24.' })).status).toBe(200);
    expect((await ack('ekby-caseworker', { note: 'Again.' })).status).toBe(404); // no longer open
    const closed = await h.server.store.db
      .selectFrom('flag')
      .selectAll()
      .where('id', '=', meeting.id)
      .executeTakeFirstOrThrow();
    expect(closed).toMatchObject({ status: 'acknowledged', closed_by: 'ekby-caseworker' });
  });

  it('waits while an authority is down, never decides on missing data, and completes when it is back', async () => {
    h.sim.setFaults({ sources: { 'income-register': { down: true } } });
    const id = await h.apply('clean', 3, 'renewal', 'pipeline-outage');
    expect(await h.drain()).toEqual(['waiting']);
    let s = await h.state(id);
    expect(s.status).toBe('collecting');
    expect(s.decisions).toHaveLength(0);
    expect(JSON.stringify(s.events.at(-1)!.note)).toContain('income-register');
    await h.due(id);
    expect(await h.drain()).toEqual(['waiting']); // still down: still waiting
    h.sim.setFaults({});
    await new Promise((r) => setTimeout(r, 250)); // the circuit breaker's cooldown
    await h.due(id);
    expect(await h.drain()).toEqual(['decided']);
    s = await h.state(id);
    expect(s.decisions).toHaveLength(1);
  });

  it('resumes a case whose worker died mid-way, with exactly one decision', async () => {
    const id = await h.apply('clean', 4, 'renewal', 'pipeline-crash');
    const claimed = await claimNext({ ...h.deps, workerId: 'doomed-worker' });
    expect(claimed?.applicationId).toBe(id);
    // The doomed worker never finishes. Until its lock expires nobody else takes the job...
    expect(await claimNext(h.deps)).toBeUndefined();
    await new Promise((r) => setTimeout(r, 2_200));
    // ...then the job is taken again and completes.
    expect(await h.drain()).toEqual(['decided']);
    expect((await h.state(id)).decisions).toHaveLength(1);
    // A late finish by the doomed worker changes nothing.
    expect(await processJob(h.deps, claimed!)).toBe('already-done');
    expect((await h.state(id)).decisions).toHaveLength(1);
  });

  it('two workers racing over the queue make exactly one decision per application', async () => {
    const ids = [
      await h.apply('clean', 5, 'renewal', 'pipeline-race-5'),
      await h.apply('clean', 6, 'renewal', 'pipeline-race-6'),
      await h.apply('clean', 7, 'renewal', 'pipeline-race-7'),
    ];
    const controller = new AbortController();
    const errors: unknown[] = [];
    const workers = ['w1', 'w2'].map((w) =>
      runWorker({ ...h.deps, workerId: w }, { signal: controller.signal, idleMs: 20, onError: (e) => errors.push(e) }),
    );
    for (let i = 0; i < 200; i++) {
      const left = await h.server.store.db.selectFrom('job').select('id').where('done_at', 'is', null).execute();
      if (left.length === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    controller.abort();
    await Promise.all(workers);
    expect(errors).toEqual([]);
    for (const id of ids) {
      const s = await h.state(id);
      expect(s.status, JSON.stringify(s.events.at(-1))).toBe('decided');
      expect(s.decisions).toHaveLength(1);
    }
  });

  it('raises an alert for a case not decided within the time limit; the decision resolves it', async () => {
    const id = await h.apply('clean', 8, 'renewal', 'pipeline-late');
    const db = h.server.store.db;
    expect(await raiseOverdueAlerts(db, h.server.municipalities)).toBe(0); // Ekby's limit is 24 hours
    await db
      .updateTable('application')
      .set({ submitted_at: new Date(Date.now() - 25 * 3_600_000) })
      .where('id', '=', id)
      .execute();
    expect(await raiseOverdueAlerts(db, h.server.municipalities)).toBe(1);
    expect(await raiseOverdueAlerts(db, h.server.municipalities)).toBe(0); // once
    expect(await h.drain()).toEqual(['decided']);
    const alert = await db.selectFrom('alert').selectAll().where('application_id', '=', id).executeTakeFirstOrThrow();
    expect(alert.kind).toBe('decision-overdue');
    expect(alert.resolved_at).not.toBeNull();
  });

  it('decides a supplementary application like a renewal', async () => {
    const id = await h.apply('clean', 9, 'supplementary', 'pipeline-supplementary');
    expect(await h.drain()).toEqual(['decided']);
    expect((await h.state(id)).decisions[0]).toMatchObject({ outcome: 'bifall' });
  });

  it('under the proposal policy (Lövsala) a person approves even a clean case; the proposal is recorded', async () => {
    // Lövsala's own guideline applies (6 000 kr for one person), not its host Ekby's.
    const id = await h.apply('partner', 0, 'renewal', 'pipeline-proposal', {
      municipality: 'lovsala',
      rent: 5800,
    });
    expect(await h.drain()).toEqual(['needs-person']);
    const s = await h.state(id);
    expect(s.decisions).toHaveLength(0);
    expect(s.events.at(-1)!.note).toMatchObject({ proposal: { outcome: 'bifall', amountOre: 1_102_000 } });
  });

  it('under the automated policy a partial refusal is decided automatically; under automated-grants it goes to a person', async () => {
    // Rent 8 000 kr is above Ekby's 7 200 guideline for one person: a delavslag.
    const grantsOnly = await h.apply('clean', 10, 'renewal', 'pipeline-capped', { rent: 8000 });
    expect(await h.drain()).toEqual(['needs-person']);
    expect((await h.state(grantsOnly)).events.at(-1)!.note).toMatchObject({ proposal: { outcome: 'delavslag' } });

    const ekby = h.server.municipalities.get('ekby')!;
    const automated = new Map(h.server.municipalities);
    automated.set('ekby', { ...ekby, settings: { ...ekby.settings, decisionPolicy: 'automated' } });
    // The same household's next month, in a municipality that lets the system decide refusals too.
    const later = await h.apply('clean', 10, 'renewal', 'pipeline-capped-automated', {
      rent: 8000,
      month: '2026-12',
    });
    const job = await claimNext(h.deps);
    expect(job?.applicationId).toBe(later);
    expect(await processJob({ ...h.deps, municipalities: () => automated }, job!)).toBe('decided');
    const d = (await h.state(later)).decisions[0]!;
    // 2026 single adult 5 220 + rent limited to the guideline 7 200 = 12 420 kr.
    expect(d).toMatchObject({ outcome: 'delavslag', automated: true });
    expect(Number(d.amount_ore)).toBe(1_242_000);
    expect(JSON.stringify(d.reasons)).toContain('riktlinje');
  });
});
