import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from './helpers.ts';
import type { Running } from './helpers.ts';

let server: Running;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.app.close();
});

async function post(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/api/v1/calculations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    body: (await res.json()) as Record<string, unknown>,
  };
}

const family2021 = {
  month: '2021-03',
  household: {
    adults: [{ id: 'a1', birthDate: '1985-06-20', jobStimulus: true }],
    children: [{ id: 'c1', birthDate: '2016-03-03', lunchAtHome: false, daysAtHome: 30 }],
    householdSize: 5,
  },
  costs: [{ type: 'rent', amount: 6500 }],
  incomes: [{ type: 'salary', person: 'a1', amount: 4000 }],
};

describe('POST /api/v1/calculations', () => {
  it('calculates the example from the issue with every line explained', async () => {
    const r = await post(family2021);
    expect(r.status).toBe(200);
    // 2021: single 3 160; child 4–6 without lunch 2 170 × 30/31 = 2 100 kr exactly;
    // shared for 5 persons 1 860 × 2/5 = 744; rent 6 500 (no guideline); salary 4 000 − 25 % = 3 000.
    expect(r.body).toMatchObject({
      norm: 6004,
      costs: 6500,
      income: 3000,
      amount: 9504,
      surplus: 0,
      status: 'verified',
    });
    const lines = r.body.lines as { rule: string; amount: number; text: { sv: string; en: string } }[];
    expect(lines.map((l) => [l.rule, l.amount])).toEqual([
      ['norm.personal.adults', 3160],
      ['norm.personal.children', 2100],
      ['norm.shared.nonCohabiting', 744],
      ['costs.reasonable', 6500],
      ['income.counted', 4000],
      ['income.jobbstimulans', -1000],
      ['result.amount', 9504],
    ]);
    const receipt = r.body.receipt as { rulebook: { hash: string }; lines: unknown[] };
    expect(receipt.rulebook.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(receipt.lines).toHaveLength(7);
  });

  it("applies the municipality's guidelines and says so", async () => {
    const r = await post({
      month: '2026-03',
      municipality: 'ekby',
      household: { adults: [{ id: 'a1', birthDate: '1985-06-20' }] },
      costs: [{ type: 'rent', amount: 8000 }],
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ norm: 5220, costs: 7200, amount: 12420, municipality: 'ekby' });
    const rent = (r.body.lines as { rule: string; flags: string[]; text: { sv: string } }[])[2]!;
    expect(rent.flags).toEqual(['capped']);
    expect(rent.text.sv).toContain('riktlinje');
  });

  it('answers bad input with problem details naming every field, in Swedish by default', async () => {
    const r = await post({
      month: '2021-03',
      household: { adults: [{ id: 'a1', birthDate: '1985-02-30' }] },
      costs: [{ type: 'rnt', amount: -1 }],
      extra: true,
    });
    expect(r.status).toBe(400);
    expect(r.type).toContain('application/problem+json');
    expect(r.body.type).toBe('/problems/invalid-input');
    const errors = r.body.errors as { pointer: string; field: string; message: string }[];
    expect(errors.map((e) => e.pointer).sort()).toEqual([
      '/costs/0/amount',
      '/costs/0/type',
      '/extra',
      '/household/adults/0/birthDate',
    ]);
    expect(errors.find((e) => e.field === 'household.adults[0].birthDate')!.message).toBe(
      'Ange ett datum som finns, som ÅÅÅÅ-MM-DD.',
    );
  });

  it('answers in English when asked', async () => {
    const r = await post({ month: 'March', household: { adults: [] } }, { 'accept-language': 'en-GB,en;q=0.9' });
    expect(r.status).toBe(400);
    const errors = r.body.errors as { field: string; message: string }[];
    expect(errors).toEqual([
      expect.objectContaining({ field: 'month', message: 'Give a month as YYYY-MM, for example 2026-03.' }),
      expect.objectContaining({ field: 'household.adults', message: 'Give at least 1.' }),
    ]);
  });

  it('refuses a month without parameters (422) instead of guessing', async () => {
    const r = await post(
      { month: '2022-06', household: { adults: [{ id: 'a1', birthDate: '1980-01-01' }] } },
      { 'accept-language': 'en' },
    );
    expect(r.status).toBe(422);
    expect(r.body.type).toBe('/problems/missing-parameters');
    const errors = r.body.errors as { field: string; message: string }[];
    expect(errors.map((e) => e.field)).toEqual(['month', 'month']);
    expect(errors[0]!.message).toBe(
      'The rule book has no value for riksnorm.personal.adult.single in June 2022 (values exist for 2014, 2019, 2021, 2023–2026).',
    );
  });

  it('names an income for a person not in the household and an unknown municipality', async () => {
    const a = await post({
      month: '2021-03',
      household: { adults: [{ id: 'a1', birthDate: '1980-01-01' }] },
      incomes: [{ type: 'salary', person: 'x9', amount: 100 }],
    });
    expect((a.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['incomes[0].person']);
    const b = await post({
      month: '2021-03',
      municipality: 'nowhere',
      household: { adults: [{ id: 'a1', birthDate: '1980-01-01' }] },
    });
    expect(b.status).toBe(400);
    expect((b.body.errors as { field: string; code: string }[])[0]).toMatchObject({
      field: 'municipality',
      code: 'unknown-municipality',
    });
  });

  it('answers malformed JSON, a wrong media type and a huge body with problem details and keeps serving', async () => {
    const bad = await post('{"month": ');
    expect(bad.status).toBe(400);
    expect(bad.body.type).toBe('/problems/invalid-json');
    const text = await fetch(`${server.url}/api/v1/calculations`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(text.status).toBe(415);
    expect(((await text.json()) as { type: string }).type).toBe('/problems/unsupported-media-type');
    const huge = await post({ month: '2021-03', pad: 'x'.repeat(2_000_000) });
    expect(huge.status).toBe(413);
    const ok = await post(family2021);
    expect(ok.status).toBe(200);
  });
});

describe('GET endpoints', () => {
  it('serves the rule book with every parameter, value, source and rule', async () => {
    const res = await fetch(`${server.url}/api/v1/rulebook`);
    expect(res.status).toBe(200);
    const rb = (await res.json()) as {
      version: string;
      hash: string;
      parameters: { id: string; values: { from: string; amount: number; status: string }[] }[];
      rules: { id: string; periods: { references: { act: string }[] }[] }[];
    };
    const single = rb.parameters.find((p) => p.id === 'riksnorm.personal.adult.single')!;
    expect(single.values.find((v) => v.from === '2021-01-01')).toMatchObject({ amount: 316000, status: 'verified' });
    expect(single.values.find((v) => v.from === '2026-01-01')).toMatchObject({ amount: 394000, status: 'derived' });
    expect(rb.rules.map((r) => r.id)).toContain('income.jobbstimulans');
  });

  it('publishes an OpenAPI 3.1 document generated from the validating schemas', async () => {
    const doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/calculations', '/api/v1/rulebook', '/healthz', '/readyz']),
    );
    // The request body is documented as input (defaults optional); the receipt echoes it as output.
    const body = doc.paths['/api/v1/calculations']!.post!.requestBody!.content['application/json']!.schema;
    expect(body).toEqual({ $ref: '#/components/schemas/CalculationInputInput' });
    const input = doc.components.schemas.CalculationInputInput!;
    expect(Object.keys(input.properties!)).toEqual(['month', 'municipality', 'household', 'costs', 'incomes']);
    expect(input.required).toEqual(['month', 'household']);
    const cost = JSON.stringify(doc.components.schemas.Cost);
    for (const t of ['rent', 'electricity', 'childcareFee']) expect(cost).toContain(t);
    expect(doc.components.schemas.Problem).toBeDefined();
  });

  it('has health and readiness endpoints and problem details for unknown paths', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = (await (await fetch(`${server.url}/readyz`)).json()) as { status: string };
    expect(ready.status).toBe('ready');
    const missing = await fetch(`${server.url}/api/v1/nothing`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
  });

  it('serves the public rule-book page generated from the rule book', async () => {
    const html = await (await fetch(`${server.url}/sa-raknar-vi`)).text();
    expect(html).toContain('<h1>Så räknar vi</h1>');
    expect(html).toContain('3\u00a0940\u00a0kr'); // single adult 2026
    expect(html).toContain('Socialtjänstlag (2025:400)');
    expect(html).toContain('Exakt paragraf saknas');
    const en = await (await fetch(`${server.url}/sa-raknar-vi?lang=en`)).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('How we calculate');
  });
});

describe('readiness', () => {
  it('answers 503 with problem details when the database is gone', async () => {
    const s = await startServer();
    try {
      expect((await fetch(`${s.url}/readyz`)).status).toBe(200);
      await s.store.db.destroy();
      const r = await fetch(`${s.url}/readyz`);
      expect(r.status).toBe(503);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    } finally {
      await s.app.close().catch(() => undefined);
    }
  });
});

describe('rate limits on public endpoints', () => {
  it('answers 429 with problem details past the limit', async () => {
    const limited = await startServer({ rateLimitPerMinute: 3 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await fetch(`${limited.url}/api/v1/rulebook`)).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const r = await fetch(`${limited.url}/api/v1/rulebook`);
      expect(((await r.json()) as { type: string }).type).toBe('/problems/rate-limited');
    } finally {
      await limited.app.close();
    }
  });
});

describe('docs/api/openapi.json', () => {
  it('is the document the server generates (run `npm run openapi` after changing a schema)', async () => {
    const { readFileSync } = await import('node:fs');
    const { OPENAPI_FILE, generateOpenApi } = await import('../src/openapi.ts');
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(await generateOpenApi());
  });
});
