/**
 * Applications over real HTTP with real tokens from the test identity provider and a real
 * database (PGlite, or PostgreSQL with DATABASE_URL): drafts, idempotent submission, duplicates,
 * tenant isolation, bad input that never loses the draft, and the audit trail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../src/audit.ts';
import { startServer } from './helpers.ts';
import type { Running } from './helpers.ts';

let server: Running;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  server = await startServer();
  for (const u of ['applicant-1', 'applicant-2', 'ekby-caseworker', 'lovsala-caseworker', 'ekby-coach'])
    tokens[u] = await server.tokenFor(u);
});
afterAll(async () => {
  await server.app.close();
});

async function call(
  user: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(user ? { authorization: `Bearer ${tokens[user]}` } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
}

const complete = {
  household: { adults: [{ personnummer: '198503149828' }], children: [] },
  residence: { type: 'rental' },
  incomes: [],
  costs: [{ type: 'rent', amount: 6200 }],
  labourMarket: [{ person: 'a0', situation: 'jobseeker', registeredAtArbetsformedlingen: true }],
  paymentAccount: { clearing: '8327', account: '9412345678' },
  attestation: { truthful: true, informedAboutChecks: true },
};

async function draft(user: string, month = '2026-11', kind = 'renewal', municipality = 'ekby') {
  const r = await call(user, 'POST', `/api/v1/municipalities/${municipality}/applications`, { kind, month, draft: {} });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

/**
 * Applicant-1 submits a complete application; then, standing in for the pipeline's population
 * register call (the pipeline tests make it for real), the household is marked as without
 * protected identity, so that staff without special authorization may see the case.
 */
async function submitted(month: string, municipality = 'ekby') {
  const id = await draft('applicant-1', month, 'renewal', municipality);
  const base = `/api/v1/municipalities/${municipality}/applications/${id}`;
  expect((await call('applicant-1', 'PUT', `${base}/draft`, complete)).status).toBe(200);
  const r = await call('applicant-1', 'POST', `${base}/submit`, undefined, { 'idempotency-key': `key-${id}` });
  expect(r.status).toBe(202);
  await server.store.db.updateTable('application').set({ protected_identity: false }).where('id', '=', id).execute();
  return id;
}

describe('applications', () => {
  it('needs a signed-in applicant', async () => {
    const anon = await call(null, 'POST', '/api/v1/municipalities/ekby/applications', {
      kind: 'new',
      month: '2026-11',
    });
    expect(anon.status).toBe(401);
    expect(anon.body.type).toBe('/problems/unauthorized');
    const staff = await call('ekby-caseworker', 'POST', '/api/v1/municipalities/ekby/applications', {
      kind: 'new',
      month: '2026-11',
    });
    expect(staff.status).toBe(403);
  });

  it('saves an incomplete draft, refuses to submit it naming the fields, and keeps it', async () => {
    const id = await draft('applicant-1');
    const partial = { ...complete, paymentAccount: undefined, costs: [{ type: 'rent', amount: -5 }] };
    expect(
      (await call('applicant-1', 'PUT', `/api/v1/municipalities/ekby/applications/${id}/draft`, partial)).status,
    ).toBe(200);
    const bad = await call('applicant-1', 'POST', `/api/v1/municipalities/ekby/applications/${id}/submit`, undefined, {
      'idempotency-key': 'key-incomplete-1',
      'accept-language': 'en',
    });
    expect(bad.status).toBe(400);
    expect((bad.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
      'costs[0].amount',
      'paymentAccount',
    ]);
    const kept = await call('applicant-1', 'GET', `/api/v1/municipalities/ekby/applications/${id}`);
    expect(kept.body.status).toBe('draft');
    expect((kept.body.draft as { costs: unknown }).costs).toEqual([{ type: 'rent', amount: -5 }]);
  });

  it('submits idempotently: the same key twice gives one application, one job, one received event', async () => {
    const id = await draft('applicant-1', '2026-10');
    await call('applicant-1', 'PUT', `/api/v1/municipalities/ekby/applications/${id}/draft`, complete);
    const submitOnce = () =>
      call('applicant-1', 'POST', `/api/v1/municipalities/ekby/applications/${id}/submit`, undefined, {
        'idempotency-key': 'key-2026-10-a',
      });
    const [a, b] = await Promise.all([submitOnce(), submitOnce()]);
    const c = await submitOnce();
    for (const r of [a, b, c]) expect(r).toMatchObject({ status: 202, body: { id, status: 'received' } });
    const jobs = await server.store.db.selectFrom('job').select('id').where('application_id', '=', id).execute();
    expect(jobs).toHaveLength(1);
    const view = await call('applicant-1', 'GET', `/api/v1/municipalities/ekby/applications/${id}`);
    expect((view.body.timeline as { status: string }[]).map((e) => e.status)).toEqual(['draft', 'received']);
    // The submitted form is immutable: a later draft save is refused.
    expect(
      (await call('applicant-1', 'PUT', `/api/v1/municipalities/ekby/applications/${id}/draft`, complete)).status,
    ).toBe(404);
    await expect(
      server.store.db.updateTable('application').set({ snapshot: '{}' }).where('id', '=', id).execute(),
    ).rejects.toThrow(/snapshot cannot change/);
  });

  it('flags a second application for the same household and month instead of merging it', async () => {
    const first = await draft('applicant-1', '2026-09');
    await call('applicant-1', 'PUT', `/api/v1/municipalities/ekby/applications/${first}/draft`, complete);
    await call('applicant-1', 'POST', `/api/v1/municipalities/ekby/applications/${first}/submit`, undefined, {
      'idempotency-key': 'k-09-first',
    });
    const second = await draft('applicant-1', '2026-09');
    await call('applicant-1', 'PUT', `/api/v1/municipalities/ekby/applications/${second}/draft`, complete);
    const r = await call(
      'applicant-1',
      'POST',
      `/api/v1/municipalities/ekby/applications/${second}/submit`,
      undefined,
      {
        'idempotency-key': 'k-09-second',
      },
    );
    expect(r.body).toMatchObject({ id: second, duplicateOf: first });
  });

  it('isolates applicants and municipalities: others get 404', async () => {
    const unsubmitted = await draft('applicant-1', '2026-08');
    // A draft is the applicant's own until it is submitted: no case for staff yet.
    expect((await call('ekby-caseworker', 'GET', `/api/v1/municipalities/ekby/cases/${unsubmitted}`)).status).toBe(404);
    const id = await submitted('2026-08');
    expect((await call('applicant-2', 'GET', `/api/v1/municipalities/ekby/applications/${id}`)).status).toBe(404);
    expect((await call('applicant-1', 'GET', `/api/v1/municipalities/lovsala/applications/${id}`)).status).toBe(404);
    expect((await call('applicant-1', 'GET', `/api/v1/municipalities/nowhere/applications/${id}`)).status).toBe(404);
    expect((await call('ekby-caseworker', 'GET', `/api/v1/municipalities/ekby/cases/${id}`)).status).toBe(200);
    expect((await call('lovsala-caseworker', 'GET', `/api/v1/municipalities/ekby/cases/${id}`)).status).toBe(404);
    expect((await call('lovsala-caseworker', 'GET', `/api/v1/municipalities/lovsala/cases/${id}`)).status).toBe(404);
    expect((await call('ekby-coach', 'GET', `/api/v1/municipalities/ekby/cases/${id}`)).status).toBe(403);
  });

  it('lets the host municipality handle its partner’s applicants, never the other way round', async () => {
    const partnerCase = await submitted('2026-11', 'lovsala');
    expect(
      (await call('lovsala-caseworker', 'GET', `/api/v1/municipalities/lovsala/cases/${partnerCase}`)).status,
    ).toBe(200);
    expect((await call('ekby-caseworker', 'GET', `/api/v1/municipalities/lovsala/cases/${partnerCase}`)).status).toBe(
      200,
    );
    const hostCase = await submitted('2026-07');
    expect((await call('lovsala-caseworker', 'GET', `/api/v1/municipalities/ekby/cases/${hostCase}`)).status).toBe(404);
    // The partner's data stays the partner's: the host's read is logged against Lövsala.
    const logged = await server.store.db
      .selectFrom('audit_log')
      .select(['actor', 'municipality_id'])
      .where('object_id', '=', partnerCase)
      .where('purpose', '=', 'case-view')
      .execute();
    expect(logged).toContainEqual({ actor: 'ekby-caseworker', municipality_id: 'lovsala' });
  });

  it('answers bad input on every endpoint with problem details naming the field', async () => {
    const month = await call(
      'applicant-1',
      'POST',
      '/api/v1/municipalities/ekby/applications',
      { kind: 'renewal', month: '2026-13' },
      { 'accept-language': 'en' },
    );
    expect(month.status).toBe(400);
    expect((month.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['month']);
    const kind = await call('applicant-1', 'POST', '/api/v1/municipalities/ekby/applications', {
      kind: 'other',
      month: '2026-11',
    });
    expect((kind.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['kind']);
    const badId = await call('applicant-1', 'GET', '/api/v1/municipalities/ekby/applications/not-a-uuid');
    expect(badId.status).toBe(400);
    expect((badId.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['id']);
    const id = await draft('applicant-1', '2026-06');
    const noKey = await call('applicant-1', 'POST', `/api/v1/municipalities/ekby/applications/${id}/submit`);
    expect(noKey.status).toBe(400);
    expect((noKey.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['idempotency-key']);
    const notObject = await call('applicant-1', 'PUT', `/api/v1/municipalities/ekby/applications/${id}/draft`, [1, 2]);
    expect(notObject.status).toBe(400);
    // Nothing was lost: the draft is still there.
    expect((await call('applicant-1', 'GET', `/api/v1/municipalities/ekby/applications/${id}`)).body.status).toBe(
      'draft',
    );
  });

  it('logs every read and write in an unbroken audit chain, without identity numbers', async () => {
    const rows = await server.store.db.selectFrom('audit_log').selectAll().execute();
    expect(rows.length).toBeGreaterThan(10);
    expect(new Set(rows.map((r) => r.purpose))).toEqual(
      new Set([
        'application-draft-created',
        'application-draft-saved',
        'application-submitted',
        'own-application-status',
        'case-view',
      ]),
    );
    // The test applicants' identity numbers (a digit pattern would also match inside hashes).
    for (const pnr of ['198503149828', '199207089831']) expect(JSON.stringify(rows)).not.toContain(pnr);
    expect(await verifyAuditChain(server.store.db)).toMatchObject({ ok: true, checked: rows.length });
  });
});
