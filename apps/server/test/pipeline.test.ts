/**
 * The whole pipeline on a real database, real HTTP, real tokens and the authority simulator:
 * submission → the authorities' data → checks → rule book → decision or a person. Also: an
 * authority outage (wait, never decide, then recover), a worker that dies mid-case, and two
 * workers racing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthoritySim } from '@tillit/authority-sim';
import type { AuthoritySim, SimHousehold } from '@tillit/authority-sim';
import { authorityCollector } from '../src/authorities/collector.ts';
import { ResilientClient } from '../src/authorities/resilient-client.ts';
import type { TestUser } from '../src/auth/test-users.ts';
import { raiseOverdueAlerts } from '../src/pipeline/alerts.ts';
import { claimNext, processJob, runWorker } from '../src/pipeline/worker.ts';
import type { PipelineDeps } from '../src/pipeline/worker.ts';
import { startServer } from './helpers.ts';
import type { Running } from './helpers.ts';

const MONTH = '2026-11';
let sim: AuthoritySim;
let server: Running;
let deps: PipelineDeps;
const pick: Record<string, SimHousehold[]> = {};

function households(pred: (h: SimHousehold) => boolean, n: number, code = '9901'): SimHousehold[] {
  const found = sim.population.households.filter((h) => h.municipalityCode === code && pred(h)).slice(0, n);
  if (found.length < n) throw new Error('the simulated population lacks such households');
  return found;
}

const has = (h: SimHousehold, ...t: string[]) => t.every((x) => h.traits.includes(x as never));
const lacks = (h: SimHousehold, ...t: string[]) => t.every((x) => !h.traits.includes(x as never));
const clean = (h: SimHousehold) =>
  has(h, 'single', 'no-income', 'af-registered') &&
  lacks(
    h,
    'children',
    'protected-identity',
    'vehicle',
    'pending-application',
    'student-aid',
    'residence-permit',
    'income-new',
    'income-dropped',
    'income-change',
    'salary-change',
  );

beforeAll(async () => {
  sim = await startAuthoritySim({ householdsPerMunicipality: 400, referenceMonth: MONTH });
  pick.clean = households(clean, 11);
  pick.partner = households(clean, 1, '9902');
  pick.protected = households((h) => has(h, 'protected-identity', 'single'), 1);
  const users: TestUser[] = [...pick.clean.slice(0, 8), ...pick.protected, ...pick.clean.slice(8), ...pick.partner].map(
    (h, i) => ({
      id: `sim-applicant-${i}`,
      name: 'Simulerad sökande',
      roles: ['applicant'],
      personnummer: h.members[0]!.personnummer,
      protectedIdentityAccess: false,
    }),
  );
  server = await startServer({ extraUsers: users });
  const client = new ResilientClient(sim.url, {
    timeoutMs: 1_000,
    attempts: 2,
    backoffBaseMs: 10,
    breakerThreshold: 3,
    breakerCooldownMs: 200,
  });
  deps = {
    db: server.store.db,
    rulebook: server.rulebook,
    municipalities: () => server.municipalities,
    collect: authorityCollector(server.store.db, client),
    workerId: 'test-worker',
    lockSeconds: 2,
    retryDelayMs: () => 60_000, // a waiting case is retried later; tests move the clock by hand (due())
  };
});
afterAll(async () => {
  await server?.app.close();
  await sim?.close();
});

async function apply(
  userIndex: number,
  h: SimHousehold,
  kind: 'new' | 'renewal' | 'supplementary',
  key: string,
  opts: { municipality?: string; rent?: number; month?: string } = {},
): Promise<string> {
  const token = await server.tokenFor(`sim-applicant-${userIndex}`);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const base = `${server.url}/api/v1/municipalities/${opts.municipality ?? 'ekby'}/applications`;
  const created = (await (
    await fetch(base, { method: 'POST', headers, body: JSON.stringify({ kind, month: opts.month ?? MONTH }) })
  ).json()) as { id: string };
  const draft = {
    household: { adults: [{ personnummer: h.members[0]!.personnummer }], children: [] },
    residence: { type: 'rental' },
    costs: [{ type: 'rent', amount: opts.rent ?? 6200 }],
    labourMarket: [{ person: 'a0', situation: 'jobseeker', registeredAtArbetsformedlingen: true }],
    paymentAccount: { clearing: '8327', account: '9412345678' },
    attestation: { truthful: true, informedAboutChecks: true },
  };
  await fetch(`${base}/${created.id}/draft`, { method: 'PUT', headers, body: JSON.stringify(draft) });
  const submitted = await fetch(`${base}/${created.id}/submit`, {
    method: 'POST',
    headers: { authorization: headers.authorization, 'idempotency-key': key },
  });
  if (submitted.status !== 202) throw new Error(`submit answered ${submitted.status}: ${await submitted.text()}`);
  return created.id;
}

/** Makes an application's waiting job due now, as if its retry time had come. */
async function due(id: string): Promise<void> {
  await server.store.db
    .updateTable('job')
    .set({ run_at: new Date(0) })
    .where('application_id', '=', id)
    .execute();
}

/** Runs jobs until none is due. */
async function drain(): Promise<string[]> {
  const outcomes: string[] = [];
  for (let job = await claimNext(deps); job; job = await claimNext(deps)) outcomes.push(await processJob(deps, job));
  return outcomes;
}

async function state(id: string) {
  const app = await server.store.db
    .selectFrom('application')
    .select('status')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const decisions = await server.store.db.selectFrom('decision').selectAll().where('application_id', '=', id).execute();
  const events = await server.store.db
    .selectFrom('application_event')
    .select(['status', 'note'])
    .where('application_id', '=', id)
    .orderBy('id')
    .execute();
  return { status: app.status, decisions, events };
}

async function confirm2026(): Promise<void> {
  await server.store.db
    .insertInto('rulebook_confirmation')
    .values({
      year: 2026,
      rulebook_hash: server.rulebook.hash,
      confirmed_by: 'ekby-admin',
      second_by: 'ekby-admin-2',
      note: 'test: derived 2026 amounts confirmed for automated decisions',
    })
    .onConflict((oc) => oc.columns(['year', 'rulebook_hash']).doNothing())
    .execute();
}

describe('the automated case pipeline', () => {
  it('does not decide automatically while the month’s amounts are unconfirmed (2026 is derived)', async () => {
    const id = await apply(0, pick.clean![0]!, 'renewal', 'pipeline-unconfirmed');
    expect(await drain()).toEqual(['needs-person']);
    const s = await state(id);
    expect(s.status).toBe('needs-person');
    expect(s.decisions).toHaveLength(0);
    expect(JSON.stringify(s.events.at(-1)!.note)).toContain('neither verified against the statute nor confirmed');
  });

  it('decides a clean renewal automatically (bifall) with the receipt, after data from every source', async () => {
    await confirm2026();
    const id = await apply(1, pick.clean![1]!, 'renewal', 'pipeline-clean');
    expect(await drain()).toEqual(['decided']);
    const s = await state(id);
    expect(s.events.map((e) => e.status)).toEqual(['draft', 'received', 'collecting', 'assessing', 'decided']);
    expect(s.decisions).toHaveLength(1);
    const d = s.decisions[0]!;
    expect(d).toMatchObject({ outcome: 'bifall', automated: true });
    // It says that it was automated and how to have a person review it.
    expect(JSON.stringify(d.reasons)).toContain('rätt att få beslutet prövat av en handläggare');
    // 2026 single adult: 3 940 + 1 280 = 5 220; rent 6 200 within Ekby's 7 200 guideline.
    expect(Number(d.amount_ore)).toBe(1_142_000);
    expect((d.receipt as { rulebook: { hash: string } }).rulebook.hash).toBe(server.rulebook.hash);
    const sources = await server.store.db
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
    const fresh = await apply(2, pick.clean![2]!, 'new', 'pipeline-new');
    const hidden = await apply(8, pick.protected![0]!, 'renewal', 'pipeline-protected');
    expect((await drain()).sort()).toEqual(['needs-person', 'needs-person']);
    const flags = await server.store.db
      .selectFrom('flag')
      .select(['application_id', 'check_id', 'outcome'])
      .where('application_id', 'in', [fresh, hidden])
      .execute();
    expect(flags.filter((f) => f.application_id === fresh).map((f) => f.check_id)).toContain('new-application-meeting');
    expect(flags.filter((f) => f.application_id === hidden)).toContainEqual(
      expect.objectContaining({ check_id: 'protected-identity', outcome: 'block' }),
    );

    // A flag is a first-class object a caseworker of the municipality acknowledges, with a note.
    const meeting = await server.store.db
      .selectFrom('flag')
      .select('id')
      .where('application_id', '=', fresh)
      .where('check_id', '=', 'new-application-meeting')
      .executeTakeFirstOrThrow();
    const ack = async (user: string, body: unknown) =>
      fetch(`${server.url}/api/v1/municipalities/ekby/cases/${fresh}/flags/${meeting.id}/acknowledge`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await server.tokenFor(user)}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await ack('lovsala-caseworker', { note: 'Mötet hölls 2026-11-24.' })).status).toBe(404);
    expect((await ack('ekby-caseworker', { note: '' })).status).toBe(400);
    expect((await ack('ekby-caseworker', { note: 'Mötet hölls 2026-11-24.' })).status).toBe(200);
    expect((await ack('ekby-caseworker', { note: 'Again.' })).status).toBe(404); // no longer open
    const closed = await server.store.db
      .selectFrom('flag')
      .selectAll()
      .where('id', '=', meeting.id)
      .executeTakeFirstOrThrow();
    expect(closed).toMatchObject({ status: 'acknowledged', closed_by: 'ekby-caseworker' });
  });

  it('waits while an authority is down, never decides on missing data, and completes when it is back', async () => {
    sim.setFaults({ sources: { 'income-register': { down: true } } });
    const id = await apply(3, pick.clean![3]!, 'renewal', 'pipeline-outage');
    expect(await drain()).toEqual(['waiting']);
    let s = await state(id);
    expect(s.status).toBe('collecting');
    expect(s.decisions).toHaveLength(0);
    expect(JSON.stringify(s.events.at(-1)!.note)).toContain('income-register');
    await due(id);
    expect(await drain()).toEqual(['waiting']); // still down: still waiting
    sim.setFaults({});
    await new Promise((r) => setTimeout(r, 250)); // the circuit breaker's cooldown
    await due(id);
    expect(await drain()).toEqual(['decided']);
    s = await state(id);
    expect(s.decisions).toHaveLength(1);
  });

  it('resumes a case whose worker died mid-way, with exactly one decision', async () => {
    const id = await apply(4, pick.clean![4]!, 'renewal', 'pipeline-crash');
    const claimed = await claimNext({ ...deps, workerId: 'doomed-worker' });
    expect(claimed?.applicationId).toBe(id);
    // The doomed worker never finishes. Until its lock expires nobody else takes the job...
    expect(await claimNext(deps)).toBeUndefined();
    await new Promise((r) => setTimeout(r, 2_200));
    // ...then the job is taken again and completes.
    expect(await drain()).toEqual(['decided']);
    expect((await state(id)).decisions).toHaveLength(1);
    // A late finish by the doomed worker changes nothing.
    expect(await processJob(deps, claimed!)).toBe('already-done');
    expect((await state(id)).decisions).toHaveLength(1);
  });

  it('two workers racing over the queue make exactly one decision per application', async () => {
    const ids = [
      await apply(5, pick.clean![5]!, 'renewal', 'pipeline-race-5'),
      await apply(6, pick.clean![6]!, 'renewal', 'pipeline-race-6'),
      await apply(7, pick.clean![7]!, 'renewal', 'pipeline-race-7'),
    ];
    const controller = new AbortController();
    const errors: unknown[] = [];
    const workers = ['w1', 'w2'].map((w) =>
      runWorker({ ...deps, workerId: w }, { signal: controller.signal, idleMs: 20, onError: (e) => errors.push(e) }),
    );
    for (let i = 0; i < 200; i++) {
      const left = await server.store.db.selectFrom('job').select('id').where('done_at', 'is', null).execute();
      if (left.length === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    controller.abort();
    await Promise.all(workers);
    expect(errors).toEqual([]);
    for (const id of ids) {
      const s = await state(id);
      expect(s.status, JSON.stringify(s.events.at(-1))).toBe('decided');
      expect(s.decisions).toHaveLength(1);
    }
  });

  it('raises an alert for a case not decided within the time limit; the decision resolves it', async () => {
    const id = await apply(9, pick.clean![8]!, 'renewal', 'pipeline-late');
    const db = server.store.db;
    expect(await raiseOverdueAlerts(db, server.municipalities)).toBe(0); // Ekby's limit is 24 hours
    await db
      .updateTable('application')
      .set({ submitted_at: new Date(Date.now() - 25 * 3_600_000) })
      .where('id', '=', id)
      .execute();
    expect(await raiseOverdueAlerts(db, server.municipalities)).toBe(1);
    expect(await raiseOverdueAlerts(db, server.municipalities)).toBe(0); // once
    expect(await drain()).toEqual(['decided']);
    const alert = await db.selectFrom('alert').selectAll().where('application_id', '=', id).executeTakeFirstOrThrow();
    expect(alert.kind).toBe('decision-overdue');
    expect(alert.resolved_at).not.toBeNull();
  });

  it('decides a supplementary application like a renewal', async () => {
    const id = await apply(10, pick.clean![9]!, 'supplementary', 'pipeline-supplementary');
    expect(await drain()).toEqual(['decided']);
    expect((await state(id)).decisions[0]).toMatchObject({ outcome: 'bifall' });
  });

  it('under the proposal policy (Lövsala) a person approves even a clean case; the proposal is recorded', async () => {
    // Lövsala's own guideline applies (6 000 kr for one person), not its host Ekby's.
    const id = await apply(12, pick.partner![0]!, 'renewal', 'pipeline-proposal', {
      municipality: 'lovsala',
      rent: 5800,
    });
    expect(await drain()).toEqual(['needs-person']);
    const s = await state(id);
    expect(s.decisions).toHaveLength(0);
    expect(s.events.at(-1)!.note).toMatchObject({ proposal: { outcome: 'bifall', amountOre: 1_102_000 } });
  });

  it('under the automated policy a partial refusal is decided automatically; under automated-grants it goes to a person', async () => {
    // Rent 8 000 kr is above Ekby's 7 200 guideline for one person: a delavslag.
    const grantsOnly = await apply(11, pick.clean![10]!, 'renewal', 'pipeline-capped', { rent: 8000 });
    expect(await drain()).toEqual(['needs-person']);
    expect((await state(grantsOnly)).events.at(-1)!.note).toMatchObject({ proposal: { outcome: 'delavslag' } });

    const ekby = server.municipalities.get('ekby')!;
    const automated = new Map(server.municipalities);
    automated.set('ekby', { ...ekby, settings: { ...ekby.settings, decisionPolicy: 'automated' } });
    // The same household's next month, in a municipality that lets the system decide refusals too.
    const later = await apply(11, pick.clean![10]!, 'renewal', 'pipeline-capped-automated', {
      rent: 8000,
      month: '2026-12',
    });
    const job = await claimNext(deps);
    expect(job?.applicationId).toBe(later);
    expect(await processJob({ ...deps, municipalities: () => automated }, job!)).toBe('decided');
    const d = (await state(later)).decisions[0]!;
    // 2026 single adult 5 220 + rent limited to the guideline 7 200 = 12 420 kr.
    expect(d).toMatchObject({ outcome: 'delavslag', automated: true });
    expect(Number(d.amount_ore)).toBe(1_242_000);
    expect(JSON.stringify(d.reasons)).toContain('riktlinje');
  });
});
