import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readSimEnv } from '../src/config.ts';
import { startAuthoritySim, type AuthoritySim } from '../src/index.ts';
import { generatePopulation } from '../src/population.ts';
import type { IncomeRegisterAnswer, PopulationRegisterAnswer, Problem } from '../src/types.ts';
import { fixedClock, lookup, request } from './helpers.ts';

const population = generatePopulation({ seed: 3, householdsPerMunicipality: 100, referenceMonth: '2026-03' });
const person = population.households.find((h) => h.members.length >= 2 && !h.protectedIdentity)!.members[0]!;
const pnr = person.personnummer;
const MONTHS = ['2026-02', '2026-01', '2025-12', '2025-11', '2025-10', '2025-09'];
let sim: AuthoritySim;

beforeAll(async () => {
  sim = await startAuthoritySim({ population, now: fixedClock });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.setFaults({});
});

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await f();
  return [r, performance.now() - t];
}

describe('faults', () => {
  it('adds latency and jitter (measured loosely)', async () => {
    sim.setFaults({ all: { latencyMs: 150, jitterMs: 50 } });
    const [r, ms] = await timed(() => lookup(sim.url, 'csn', pnr));
    expect(r.status).toBe(200);
    expect(ms).toBeGreaterThanOrEqual(140);
  });

  it('answers 500 at error rate 1 and never at error rate 0', async () => {
    sim.setFaults({ all: { errorRate: 1 } });
    const e = await lookup<Problem>(sim.url, 'forsakringskassan', pnr);
    expect(e.status).toBe(500);
    expect(e.type).toMatch(/^application\/problem\+json/);
    expect(e.body.type).toBe('/problems/source-error');
    sim.setFaults({ all: { errorRate: 0 } });
    for (let i = 0; i < 5; i++) expect((await lookup(sim.url, 'forsakringskassan', pnr)).status).toBe(200);
  });

  it('answers 503 for a source that is down, and only for that source', async () => {
    sim.setFaults({ sources: { migrationsverket: { down: true } } });
    const d = await lookup<Problem>(sim.url, 'migrationsverket', pnr);
    expect(d.status).toBe(503);
    expect(d.headers.get('retry-after')).toBe('30');
    expect(d.body.type).toBe('/problems/source-unavailable');
    expect((await lookup(sim.url, 'csn', pnr)).status).toBe(200);
    // A source's own rule overrides the rule for all.
    sim.setFaults({ all: { down: true }, sources: { csn: { down: false } } });
    expect((await lookup(sim.url, 'income-register', pnr)).status).toBe(503);
    expect((await lookup(sim.url, 'csn', pnr)).status).toBe(200);
  });

  it('leaves months or fields out of a partial answer and says which', async () => {
    sim.setFaults({ all: { partialRate: 1 }, seed: 11 });
    let missingMonths = 0;
    for (let i = 0; i < 10; i++) {
      const r = await lookup<IncomeRegisterAnswer>(sim.url, 'income-register', pnr, MONTHS);
      expect(r.status).toBe(200);
      expect(r.body.partial).toBe(true);
      const missing = r.body.missing!;
      expect(missing.months.length).toBeGreaterThan(0);
      expect(r.body.months.map((m) => m.month)).toEqual(MONTHS.filter((m) => !missing.months.includes(m)));
      missingMonths += missing.months.length;
    }
    expect(missingMonths).toBeLessThan(60);
    const reg = await lookup<PopulationRegisterAnswer>(sim.url, 'population-register', pnr);
    expect(reg.body.partial).toBe(true);
    expect(reg.body.missing!.fields.length).toBeGreaterThan(0);
    for (const f of reg.body.missing!.fields) expect(reg.body).not.toHaveProperty(f);
    // At partial rate 0 nothing is missing.
    sim.setFaults({ all: { partialRate: 0 } });
    const whole = await lookup<IncomeRegisterAnswer>(sim.url, 'income-register', pnr, MONTHS);
    expect(whole.body.partial).toBe(false);
    expect(whole.body.missing).toBeUndefined();
    expect(whole.body.months).toHaveLength(6);
  });

  it('holds a timed-out request, then answers 504; or never answers until the client gives up', async () => {
    sim.setFaults({ sources: { csn: { timeoutRate: 1, timeoutMs: 200 } } });
    const [r, ms] = await timed(() => lookup<Problem>(sim.url, 'csn', pnr));
    expect(r.status).toBe(504);
    expect(r.body.type).toBe('/problems/gateway-timeout');
    expect(ms).toBeGreaterThanOrEqual(190);

    sim.setFaults({ sources: { csn: { timeoutRate: 1, timeoutMs: null } } });
    const [err, waited] = await timed(() =>
      request(`${sim.url}/v1/csn`, { body: { personnummer: pnr }, signal: AbortSignal.timeout(300) }).then(
        () => null,
        (e: unknown) => e,
      ),
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('TimeoutError');
    expect(waited).toBeGreaterThanOrEqual(290);
    // The simulator still answers others.
    expect((await lookup(sim.url, 'income-register', pnr)).status).toBe(200);
  });

  it('closes promptly with requests still held', async () => {
    const other = await startAuthoritySim({
      population,
      now: fixedClock,
      faults: { all: { timeoutRate: 1, timeoutMs: null } },
    });
    const pending = lookup(other.url, 'csn', pnr).then(
      () => 'answered',
      () => 'dropped',
    );
    await new Promise((r) => setTimeout(r, 100));
    const [, ms] = await timed(() => other.close());
    expect(await pending).toBe('dropped');
    expect(ms).toBeLessThan(5_000);
  });

  it('changes faults at runtime through PUT /admin/faults and shows them with GET', async () => {
    expect((await lookup(sim.url, 'csn', pnr)).status).toBe(200);
    const put = await request<{ settings: unknown; effective: Record<string, { errorRate: number; down: boolean }> }>(
      `${sim.url}/admin/faults`,
      { method: 'PUT', body: { sources: { csn: { errorRate: 1 } }, all: { latencyMs: 0 } } },
    );
    expect(put.status).toBe(200);
    expect(put.body.effective.csn!.errorRate).toBe(1);
    expect(put.body.effective.forsakringskassan!.errorRate).toBe(0);
    expect((await lookup(sim.url, 'csn', pnr)).status).toBe(500);
    expect((await lookup(sim.url, 'forsakringskassan', pnr)).status).toBe(200);
    const get = await request<{ settings: unknown }>(`${sim.url}/admin/faults`);
    expect(get.body.settings).toEqual({ sources: { csn: { errorRate: 1 } }, all: { latencyMs: 0 } });
    expect(sim.getFaults()).toEqual(get.body.settings);
    const invalid = await request<Problem>(`${sim.url}/admin/faults`, {
      method: 'PUT',
      body: { all: { errorRate: 2 }, sources: { nowhere: {} } },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors!.map((e) => e.pointer)).toEqual(expect.arrayContaining(['/all/errorRate']));
    // An empty configuration removes every fault.
    expect((await request(`${sim.url}/admin/faults`, { method: 'PUT', body: {} })).status).toBe(200);
    expect((await lookup(sim.url, 'csn', pnr)).status).toBe(200);
  });

  it('draws faults from a seeded PRNG: the same seed gives the same sequence', async () => {
    const statuses = async (): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < 30; i++) out.push((await lookup(sim.url, 'pensionsmyndigheten', pnr)).status);
      return out;
    };
    sim.setFaults({ all: { errorRate: 0.5 }, seed: 'repeatable' });
    const a = await statuses();
    sim.setFaults({ all: { errorRate: 0.5 }, seed: 'repeatable' });
    const b = await statuses();
    expect(b).toEqual(a);
    expect(a).toContain(500);
    expect(a).toContain(200);
  });

  it('takes faults at start from options and from environment variables', async () => {
    const opts = readSimEnv({
      SIM_PORT: '0',
      SIM_SEED: '3',
      SIM_HOUSEHOLDS: '100',
      SIM_LATENCY_MS: '20',
      SIM_JITTER_MS: '10',
      SIM_ERROR_RATE: '0',
      SIM_TIMEOUT_MS: 'never',
      SIM_PARTIAL_RATE: '0.1',
      SIM_DOWN: 'csn,migrationsverket',
      SIM_FAULTS: '{"sources":{"transportstyrelsen":{"errorRate":1}}}',
      SIM_NOW: '2026-03-15T10:00:00Z',
      LOG_LEVEL: 'silent',
    });
    expect(opts).toMatchObject({
      port: 0,
      seed: 3,
      householdsPerMunicipality: 100,
      faults: {
        all: { latencyMs: 20, jitterMs: 10, errorRate: 0, timeoutMs: null, partialRate: 0.1 },
        sources: { csn: { down: true }, migrationsverket: { down: true }, transportstyrelsen: { errorRate: 1 } },
      },
    });
    expect(() => readSimEnv({ SIM_ERROR_RATE: '1.5' })).toThrow(/SIM_ERROR_RATE/);
    expect(() => readSimEnv({ SIM_FAULTS: '{' })).toThrow(/SIM_FAULTS/);
    expect(readSimEnv({}).port).toBe(3100);
    expect(readSimEnv({ PORT: '4000' }).port).toBe(4000);

    const envSim = await startAuthoritySim(opts);
    try {
      expect(envSim.population.find(pnr)).toBeDefined();
      expect((await lookup(envSim.url, 'csn', pnr)).status).toBe(503);
      expect((await lookup(envSim.url, 'transportstyrelsen', pnr)).status).toBe(500);
      expect((await request(`${envSim.url}/health`)).body).toMatchObject({ today: '2026-03-15' });
    } finally {
      await envSim.close();
    }
  });
});
