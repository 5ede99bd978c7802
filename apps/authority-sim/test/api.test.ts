import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthoritySim, type AuthoritySim } from '../src/index.ts';
import { makePersonnummer } from '../src/personnummer.ts';
import { generatePopulation, type SimHousehold } from '../src/population.ts';
import {
  SOURCE_IDS,
  type ForsakringskassanAnswer,
  type IncomeRegisterAnswer,
  type PopulationRegisterAnswer,
  type Problem,
} from '../src/types.ts';
import { NOW, fixedClock, lookup, request } from './helpers.ts';

const M1 = '2026-02';
const M2 = '2026-01';
const population = generatePopulation({ seed: 42, householdsPerMunicipality: 1000, referenceMonth: '2026-03' });
const logLines: string[] = [];
let sim: AuthoritySim;

function householdWith(...traits: SimHousehold['traits'][number][]): SimHousehold {
  const h = population.households.find((x) => traits.every((t) => x.traits.includes(t)));
  if (h === undefined) throw new Error(`no household with ${traits.join(', ')}`);
  return h;
}

beforeAll(async () => {
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logLines.push(chunk.toString());
      cb();
    },
  });
  sim = await startAuthoritySim({ population, now: fixedClock, logger: { level: 'trace', stream } });
});
afterAll(async () => {
  await sim.close();
});

describe('the population register', () => {
  it('answers with the household as registered', async () => {
    const h = householdWith('cohabiting', 'children');
    const adult = h.members[0]!;
    const r = await lookup<PopulationRegisterAnswer>(sim.url, 'population-register', adult.personnummer);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^application\/json/);
    const a = r.body;
    expect(a).toMatchObject({
      source: 'population-register',
      personnummer: adult.personnummer,
      retrievedAt: NOW.toISOString(),
      partial: false,
      householdId: h.householdId,
      municipalityCode: h.municipalityCode,
      protectedIdentity: false,
      cohabiting: true,
      address: h.address,
    });
    expect(a.members!.map((m) => m.personnummer)).toEqual(h.members.map((m) => m.personnummer));
    expect(a.members!.map((m) => m.relation)).toEqual(
      h.members.map((m, i) => (i === 0 ? 'self' : m.role === 'adult' ? 'partner' : 'child')),
    );
    // Asked about a child, the same household: adults are parents, other children siblings.
    const child = h.members.find((m) => m.role === 'child')!;
    const c = await lookup<PopulationRegisterAnswer>(sim.url, 'population-register', child.personnummer);
    expect(c.body.householdId).toBe(h.householdId);
    expect(c.body.members!.filter((m) => m.relation === 'parent')).toHaveLength(2);
    expect(c.body.members!.find((m) => m.personnummer === child.personnummer)!.relation).toBe('self');
  });

  it('keeps every household consistent with the listing', async () => {
    const list = await request<{
      households: { householdId: string; members: { personnummer: string; role: string }[] }[];
    }>(`${sim.url}/v1/households?municipality=9902&limit=25&offset=100`);
    expect(list.status).toBe(200);
    for (const h of list.body.households) {
      const adults = h.members.filter((m) => m.role === 'adult');
      for (const m of [h.members[0]!, h.members.at(-1)!]) {
        const r = await lookup<PopulationRegisterAnswer>(sim.url, 'population-register', m.personnummer);
        expect(r.body.householdId).toBe(h.householdId);
        expect(r.body.municipalityCode).toBe('9902');
        expect(r.body.members!.map((x) => x.personnummer).sort()).toEqual(h.members.map((x) => x.personnummer).sort());
        expect(r.body.cohabiting).toBe(adults.length === 2);
      }
    }
  });

  it('withholds the address of a protected identity', async () => {
    const h = householdWith('protected-identity');
    for (const m of h.members) {
      const r = await lookup<PopulationRegisterAnswer>(sim.url, 'population-register', m.personnummer);
      expect(r.status).toBe(200);
      expect(r.body.protectedIdentity).toBe(true);
      expect(r.body.address).toBeNull();
      expect(r.text).not.toContain(h.address.street);
      expect(r.body.members!.every((x) => x.protectedIdentity)).toBe(true);
    }
    const list = await request<{ households: { householdId: string; address: unknown }[] }>(
      `${sim.url}/v1/households?traits=protected-identity&limit=1000`,
    );
    expect(list.body.households.length).toBeGreaterThan(0);
    expect(list.body.households.every((x) => x.address === null)).toBe(true);
  });
});

describe('monthly sources', () => {
  it('give M−1 and M−2 for a salary earner, with a change over 12 % where the listing says so', async () => {
    const h = householdWith('salary-change');
    let found = false;
    for (const m of h.members) {
      const r = await lookup<IncomeRegisterAnswer>(sim.url, 'income-register', m.personnummer, [M1, M2]);
      expect(r.status).toBe(200);
      expect(r.body.months.map((x) => x.month)).toEqual([M1, M2]);
      expect(r.body.unavailableMonths).toEqual([]);
      const [a, b] = r.body.months.map((x) => x.payments.filter((p) => p.type === 'salary'));
      if (a!.length > 0 && b!.length > 0) {
        const g1 = a![0]!.grossOre;
        const g2 = b![0]!.grossOre;
        if (Math.abs(g1 - g2) > 0.12 * g2) found = true;
        expect(a![0]).toMatchObject({ benefit: 'lon', paidOn: `${M1}-25`, netOre: g1 - a![0]!.taxOre });
        expect(a![0]!.employer).toMatch(/fiktiv/);
      }
    }
    expect(found).toBe(true);
  });

  it('pays barnbidrag, 1 250 kr a child, split between cohabiting parents', async () => {
    const h = householdWith('cohabiting', 'child-allowance');
    let total = 0;
    for (const adult of h.members.filter((m) => m.role === 'adult')) {
      const r = await lookup<ForsakringskassanAnswer>(sim.url, 'forsakringskassan', adult.personnummer, [M1]);
      expect(r.body.pendingApplications).toBeDefined();
      total += r.body.months[0]!.payments.filter((p) => p.benefit === 'barnbidrag').reduce((s, p) => s + p.grossOre, 0);
    }
    expect(total % 125_000).toBe(0);
    expect(total).toBeGreaterThan(0);
  });

  it('answers the whole 24-month window when no months are given, and names months it does not hold', async () => {
    const h = householdWith('salary');
    const pnr = h.members[0]!.personnummer;
    const all = await lookup<IncomeRegisterAnswer>(sim.url, 'income-register', pnr);
    expect(all.body.months).toHaveLength(24);
    expect(all.body.months[0]!.month).toBe('2026-03');
    expect(all.body.months[23]!.month).toBe('2024-04');
    // The 25th has not come yet on 15 March: no salary paid in the current month.
    expect(all.body.months[0]!.payments.filter((p) => p.type === 'salary')).toEqual([]);
    const some = await lookup<IncomeRegisterAnswer>(sim.url, 'income-register', pnr, ['2026-04', M1, '2024-03']);
    expect(some.body.months.map((m) => m.month)).toEqual([M1]);
    expect(some.body.unavailableMonths).toEqual(['2026-04', '2024-03']);
  });

  it('answers every source for every kind of person', async () => {
    const h = householdWith('cohabiting', 'children');
    for (const m of h.members) {
      for (const source of SOURCE_IDS) {
        const r = await lookup(sim.url, source, m.personnummer, [M1, M2]);
        expect(r.status, source).toBe(200);
        expect(r.body).toMatchObject({ source, personnummer: m.personnummer, partial: false });
      }
    }
    const af = householdWith('af-registered').members.find((m) => m.registration.registered)!;
    const r = await lookup<{ registration: { registered: boolean }; months: { activityReport: string }[] }>(
      sim.url,
      'arbetsformedlingen',
      af.personnummer,
      [M1],
    );
    expect(r.body.registration.registered).toBe(true);
    expect(['submitted', 'missing', 'not-required']).toContain(r.body.months[0]!.activityReport);
    const car = householdWith('vehicle').members[0]!;
    const v = await lookup<{ vehicles: { registrationNumber: string; estimatedValueOre: number }[] }>(
      sim.url,
      'transportstyrelsen',
      car.personnummer,
    );
    expect(v.body.vehicles[0]!.registrationNumber).toMatch(/^Q[A-Z]{2} \d{2}[0-9A-Z]$/);
    expect(Number.isInteger(v.body.vehicles[0]!.estimatedValueOre)).toBe(true);
  });

  it('gives the same answers for the same seed and clock', async () => {
    const other = await startAuthoritySim({
      seed: 42,
      householdsPerMunicipality: 1000,
      referenceMonth: '2026-03',
      now: fixedClock,
    });
    try {
      for (const h of population.households.slice(0, 20)) {
        const pnr = h.members.at(-1)!.personnummer;
        for (const source of SOURCE_IDS) {
          const a = await lookup(sim.url, source, pnr, [M1, M2]);
          const b = await lookup(other.url, source, pnr, [M1, M2]);
          expect(b.text).toBe(a.text);
        }
      }
    } finally {
      await other.close();
    }
  });
});

describe('errors', () => {
  it('answers 404 with problem details for an unknown person, without echoing the number', async () => {
    const unknown = makePersonnummer('1950-01-01', 123);
    expect(population.find(unknown)).toBeUndefined();
    for (const source of SOURCE_IDS) {
      const r = await lookup<Problem>(sim.url, source, unknown);
      expect(r.status).toBe(404);
      expect(r.type).toMatch(/^application\/problem\+json/);
      expect(r.body).toMatchObject({ type: '/problems/person-not-found', status: 404 });
      expect(r.text).not.toContain(unknown);
    }
  });

  it('rejects invalid bodies with clear problems', async () => {
    const bad = async (body: unknown): Promise<Problem> => {
      const r = await request<Problem>(`${sim.url}/v1/csn`, { body });
      expect(r.status).toBe(400);
      expect(r.type).toMatch(/^application\/problem\+json/);
      return r.body;
    };
    const wrongCheck = '196408233235';
    const p1 = await bad({ personnummer: wrongCheck });
    expect(p1.errors![0]).toMatchObject({ pointer: '/personnummer' });
    expect(p1.errors![0]!.message).toMatch(/check digit/);
    expect(JSON.stringify(p1)).not.toContain(wrongCheck);
    expect((await bad({ personnummer: '640823-3234' })).errors![0]!.message).toMatch(/12 digits/);
    expect((await bad({})).errors![0]!.pointer).toBe('/personnummer');
    const p2 = await bad({ personnummer: '196408233234', months: ['2026-13'] });
    expect(p2.errors![0]!.pointer).toBe('/months/0');
    expect((await bad({ personnummer: '196408233234', months: [M1, M1] })).errors![0]!.message).toMatch(/repeat/);
    expect((await bad({ personnummer: '196408233234', name: 'x' })).errors![0]!.code).toBe('unrecognized_keys');
    const json = await request<Problem>(`${sim.url}/v1/csn`, { rawBody: '{"personnummer": "1964' });
    expect(json.status).toBe(400);
    expect(json.body.type).toBe('/problems/invalid-json');
    expect(json.text).not.toContain('1964');
    const text = await request<Problem>(`${sim.url}/v1/csn`, { rawBody: 'x', contentType: 'text/plain' });
    expect(text.status).toBe(415);
    const query = await request<Problem>(`${sim.url}/v1/households?limit=0`);
    expect(query.status).toBe(400);
    expect((await request(`${sim.url}/v1/households?traits=nonsense`)).status).toBe(400);
  });
});

describe('privacy', () => {
  it('offers no URL that can carry a personnummer: no path parameters, lookups by POST only', async () => {
    expect(sim.routes.length).toBeGreaterThan(10);
    for (const r of sim.routes) expect(r.url).not.toMatch(/[:*]/);
    for (const s of SOURCE_IDS) {
      expect(sim.routes.filter((r) => r.url === `/v1/${s}`).map((r) => r.method)).toEqual(['POST']);
    }
    const pnr = population.households[0]!.members[0]!.personnummer;
    const get = await request(`${sim.url}/v1/csn?personnummer=${pnr}`);
    expect(get.status).toBe(404);
    expect(get.text).not.toContain(pnr);
  });

  it('never writes a personnummer to the log', () => {
    expect(logLines.length).toBeGreaterThan(20);
    const log = logLines.join('');
    expect(log).toContain('"route":"/v1/population-register"');
    for (const h of population.households) for (const m of h.members) expect(log).not.toContain(m.personnummer);
    expect(log).not.toMatch(/(?<!\d)\d{12}(?!\d)/);
  });
});

describe('listing and health', () => {
  it('lists households by municipality with paging and traits', async () => {
    type List = {
      total: number;
      offset: number;
      limit: number;
      households: { householdId: string; traits: string[] }[];
    };
    const a = await request<List>(`${sim.url}/v1/households?municipality=9901&limit=50&offset=0`);
    expect(a.body.total).toBe(1000);
    expect(a.body.households).toHaveLength(50);
    expect(a.body.households[0]!.householdId).toBe('9901-00001');
    const b = await request<List>(`${sim.url}/v1/households?municipality=9901&limit=50&offset=50`);
    expect(b.body.households[0]!.householdId).toBe('9901-00051');
    const all = await request<List>(`${sim.url}/v1/households`);
    expect(all.body).toMatchObject({ total: 2000, offset: 0, limit: 50 });
    const t = await request<List>(`${sim.url}/v1/households?traits=single-parent,maintenance-support&limit=1000`);
    expect(t.body.total).toBeGreaterThan(0);
    for (const h of t.body.households)
      expect(h.traits).toEqual(expect.arrayContaining(['single-parent', 'maintenance-support']));
    const none = await request<List>(`${sim.url}/v1/households?municipality=1234`);
    expect(none.body.total).toBe(0);
  });

  it('reports health', async () => {
    const r = await request(`${sim.url}/health`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok', referenceMonth: '2026-03', today: '2026-03-15', households: 2000 });
  });
});
