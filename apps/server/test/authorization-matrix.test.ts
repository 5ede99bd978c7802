/**
 * The authorization matrix: every municipality-scoped HTTP route (every path under
 * /api/v1/municipalities/{municipality}/, applicant routes included) × every test user × the
 * user's own municipality and the other one, over real HTTP with real tokens.
 *
 * The expected table below is written out by hand from the route files, not derived from the
 * code; the route list is compared with the app's own (its OpenAPI document and its router), so a
 * new route without a row here fails. Expectations:
 * - allow: past authorization (neither 401 nor 403, nor a server error); on routes whose record
 *   exists here (`reaches`), also not 404;
 * - forbidden: 403 `/problems/forbidden` (signed in, wrong role);
 * - not-found: 404 `/problems/not-found` and nothing else (staff of another municipality, or no
 *   municipality at all, on staff routes: the tenant check comes before the role check).
 * Staff of a host municipality (ekby) handle its partner's (lovsala) cases; not the other way round.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../src/auth/claims.ts';
import { CW, CW_ADMIN, CW_ADMIN_AUD, CW_AUD, COACH, M, future, past } from './matrix/row.ts';
import type { Expectation, Row } from './matrix/row.ts';
import { ROWS as ADMINISTRATION_ROWS } from './matrix/administration.ts';
import { ROWS as AUDIT_ROWS } from './matrix/audit.ts';
import { ROWS as CUSTOMER_SERVICE_ROWS } from './matrix/customer-service.ts';
import { ROWS as LABOUR_MARKET_ROWS } from './matrix/labour-market.ts';
import { startServer } from './helpers.ts';
import type { Running } from './helpers.ts';

interface User {
  readonly id: string;
  readonly roles: readonly Role[];
  readonly municipality?: string;
}

/** The test users of config/test-users.yaml, as the matrix sees them. */
const USERS: readonly User[] = [
  { id: 'applicant-1', roles: ['applicant'] },
  ...(['ekby', 'lovsala'] as const).flatMap((m): User[] => [
    { id: `${m}-caseworker`, roles: ['caseworker'], municipality: m },
    { id: `${m}-protected-caseworker`, roles: ['caseworker'], municipality: m },
    { id: `${m}-coach`, roles: ['coach'], municipality: m },
    { id: `${m}-customer-service`, roles: ['customer-service'], municipality: m },
    { id: `${m}-auditor`, roles: ['auditor'], municipality: m },
    { id: `${m}-admin`, roles: ['admin'], municipality: m },
  ]),
];

/** The municipalities the requests name, and each partner's host (config/municipalities.yaml). */
const TARGETS = ['ekby', 'lovsala'] as const;
type Target = (typeof TARGETS)[number];
const HOST: Readonly<Record<Target, string | undefined>> = { ekby: undefined, lovsala: 'ekby' };

/** THE TABLE: who may call each municipality-scoped route. */
const CORE_ROWS: readonly Row[] = [
  // routes/applications.ts
  {
    method: 'POST',
    path: `${M}/applications`,
    guard: 'applicant',
    body: { kind: 'renewal', month: '2026-11' },
    reaches: true,
  },
  { method: 'PUT', path: `${M}/applications/:id/draft`, guard: 'applicant', body: {} },
  { method: 'POST', path: `${M}/applications/:id/submit`, guard: 'applicant', idempotent: true },
  { method: 'GET', path: `${M}/applications/:id`, guard: 'applicant', reaches: true },
  { method: 'GET', path: `${M}/applications/prefill`, guard: 'applicant', reaches: true },
  {
    method: 'POST',
    path: `${M}/applications/:id/completion`,
    guard: 'applicant',
    body: { message: 'Here is my answer.' },
    idempotent: true,
    reaches: true,
  },
  // routes/cases.ts
  { method: 'GET', path: `${M}/cases/:id`, guard: CW_AUD, reaches: true },
  {
    method: 'POST',
    path: `${M}/cases/:id/flags/:flagId/acknowledge`,
    guard: CW,
    body: { note: 'Checked the register.' },
  },
  {
    method: 'POST',
    path: `${M}/cases/:id/decision`,
    guard: CW,
    body: { outcome: 'bifall', calculationVersion: 1 },
    reaches: true,
  },
  {
    method: 'POST',
    path: `${M}/cases/:id/completion-request`,
    guard: CW,
    body: { message: 'Please send your bank statements.', items: ['Bank statements'], dueDate: future },
    reaches: true,
  },
  {
    method: 'POST',
    path: `${M}/cases/:id/kommunicering`,
    guard: CW,
    body: { plannedOutcome: 'avslag', reasons: 'The income covers the need this month.', dueDate: future },
    idempotent: true,
    reaches: true,
  },
  {
    method: 'POST',
    path: `${M}/cases/:id/recovery-claims`,
    guard: CW,
    body: { amount: 100, basis: 'sol-9-1', reason: 'Income was not reported.', decidedOn: past },
    idempotent: true,
    reaches: true,
  },
  // routes/letters.ts
  { method: 'GET', path: `${M}/applications/:id/letters`, guard: 'applicant', reaches: true },
  { method: 'GET', path: `${M}/applications/:id/letters/:letterId`, guard: 'applicant' },
  { method: 'GET', path: `${M}/cases/:id/letters`, guard: CW_AUD, reaches: true },
  { method: 'GET', path: `${M}/cases/:id/letters/:letterId`, guard: CW_AUD },
  // routes/payments.ts
  { method: 'GET', path: `${M}/payments`, guard: CW_ADMIN_AUD, reaches: true },
  { method: 'GET', path: `${M}/cases/:id/payment`, guard: CW_ADMIN_AUD },
  {
    method: 'POST',
    path: `${M}/cases/:id/payment/urgent`,
    guard: CW,
    body: { reason: 'The rent is due today.' },
    reaches: true,
  },
  { method: 'POST', path: `${M}/payment-batches`, guard: CW_ADMIN, body: {}, idempotent: true, reaches: true },
  { method: 'GET', path: `${M}/payment-batches`, guard: CW_ADMIN_AUD, reaches: true },
  { method: 'GET', path: `${M}/payment-batches/:batchId/file`, guard: CW_ADMIN_AUD },
  { method: 'POST', path: `${M}/payments/:paymentId/settle`, guard: CW_ADMIN },
  { method: 'POST', path: `${M}/payments/:paymentId/return`, guard: CW_ADMIN, body: { reason: 'Account closed' } },
  // routes/sample-checks.ts
  { method: 'POST', path: `${M}/sample-draws`, guard: CW_ADMIN, body: { period: '2020-01' }, reaches: true },
  { method: 'GET', path: `${M}/sample-draws`, guard: CW_ADMIN_AUD, reaches: true },
  { method: 'GET', path: `${M}/sample-draws/:period`, guard: CW_ADMIN_AUD },
  { method: 'GET', path: `${M}/sample-draws/:period/verification`, guard: CW_ADMIN_AUD },
  { method: 'GET', path: `${M}/sample-checks`, guard: CW_AUD, reaches: true },
  { method: 'GET', path: `${M}/sample-checks/report`, guard: CW_ADMIN_AUD, reaches: true },
  { method: 'GET', path: `${M}/sample-checks/:checkId`, guard: CW_AUD },
  {
    method: 'POST',
    path: `${M}/sample-checks/:checkId/outcome`,
    guard: CW,
    body: { outcome: 'confirmed', note: 'Documents match.' },
  },
  {
    method: 'POST',
    path: `${M}/sample-checks/:checkId/recovery-claim`,
    guard: CW,
    body: { basis: 'sol-9-1', reason: 'Income was not reported.', decidedOn: past },
  },
  { method: 'GET', path: `${M}/applications/:id/sample-check`, guard: 'applicant' },
  {
    method: 'POST',
    path: `${M}/applications/:id/sample-check/answer`,
    guard: 'applicant',
    body: { message: 'Sent by post.' },
    idempotent: true,
  },
  // routes/meetings.ts
  { method: 'GET', path: `${M}/coach/slots`, guard: COACH, reaches: true },
  {
    method: 'POST',
    path: `${M}/coach/slots`,
    guard: COACH,
    body: { startsAt: '2099-12-31T09:00:00+01:00', durationMinutes: 45, mode: 'office' },
    idempotent: true,
    reaches: true,
  },
  { method: 'DELETE', path: `${M}/coach/slots/:slotId`, guard: COACH },
  { method: 'GET', path: `${M}/applications/:id/meeting-slots`, guard: 'applicant', reaches: true },
  { method: 'GET', path: `${M}/applications/:id/meeting`, guard: 'applicant' },
  {
    method: 'POST',
    path: `${M}/applications/:id/meeting`,
    guard: 'applicant',
    body: { slotId: '00000000-0000-4000-8000-000000000000' },
    idempotent: true,
  },
  {
    method: 'PUT',
    path: `${M}/applications/:id/meeting`,
    guard: 'applicant',
    body: { slotId: '00000000-0000-4000-8000-000000000000' },
    idempotent: true,
  },
  { method: 'DELETE', path: `${M}/applications/:id/meeting`, guard: 'applicant' },
  // routes/documents.ts (the upload is multipart: this JSON body gets 415 once past authorization)
  { method: 'POST', path: `${M}/applications/:id/documents`, guard: 'applicant' },
  { method: 'GET', path: `${M}/applications/:id/documents`, guard: 'applicant', reaches: true },
  { method: 'GET', path: `${M}/applications/:id/documents/:documentId`, guard: 'applicant' },
  { method: 'DELETE', path: `${M}/applications/:id/documents/:documentId`, guard: 'applicant' },
  { method: 'GET', path: `${M}/cases/:id/documents`, guard: CW_AUD, reaches: true },
  { method: 'GET', path: `${M}/cases/:id/documents/:documentId`, guard: CW_AUD },
  // routes/conversations.ts
  { method: 'GET', path: `${M}/applications/:id/messages`, guard: 'applicant', reaches: true },
  {
    method: 'POST',
    path: `${M}/applications/:id/messages`,
    guard: 'applicant',
    body: { body: 'Hej' },
    idempotent: true,
    reaches: true,
  },
  { method: 'GET', path: `${M}/applications/:id/appeal`, guard: 'applicant' },
  {
    method: 'POST',
    path: `${M}/applications/:id/appeal`,
    guard: 'applicant',
    body: { reasons: 'Fel' },
    idempotent: true,
    reaches: true,
  },
  { method: 'GET', path: `${M}/cases/:id/messages`, guard: CW_AUD, reaches: true },
  {
    method: 'POST',
    path: `${M}/cases/:id/messages`,
    guard: CW,
    body: { body: 'Hej' },
    idempotent: true,
    reaches: true,
  },
  { method: 'GET', path: `${M}/cases/:id/appeal`, guard: CW_AUD },
  { method: 'GET', path: `${M}/appeals`, guard: CW_AUD, reaches: true },
  { method: 'POST', path: `${M}/appeals/:appealId/outcome`, guard: CW, body: { outcome: 'forwarded', note: 'x' } },
  // routes/queues.ts
  { method: 'GET', path: `${M}/queues/:queue`, guard: CW_AUD, reaches: true },
  { method: 'POST', path: `${M}/cases/:id/assignment`, guard: CW, body: { to: 'me' }, reaches: true },
  // routes/adjustments.ts
  { method: 'GET', path: `${M}/cases/:id/adjustments`, guard: CW_AUD, reaches: true },
  {
    method: 'POST',
    path: `${M}/cases/:id/adjustments`,
    guard: CW,
    body: { kind: 'cost', type: 'rent', amount: 6000, reason: 'Hyresavin visar en högre hyra.', basedOnVersion: 1 },
    idempotent: true,
    reaches: true,
  },
  { method: 'POST', path: `${M}/cases/:id/adjustments/:adjustmentId/approve`, guard: CW },
  {
    method: 'POST',
    path: `${M}/cases/:id/adjustments/:adjustmentId/reject`,
    guard: CW,
    body: { note: 'Stämmer inte med hyresavin.' },
  },
  // routes/service-metrics.ts
  {
    method: 'GET',
    path: `${M}/service-metrics`,
    query: '?from=2026-11-01&to=2026-11-30',
    guard: ['admin', 'auditor'],
    reaches: true,
  },
];

/** Every row: the core routes' and each staff section's. */
const TABLE: readonly Row[] = [
  ...CORE_ROWS,
  ...AUDIT_ROWS,
  ...CUSTOMER_SERVICE_ROWS,
  ...LABOUR_MARKET_ROWS,
  ...ADMINISTRATION_ROWS,
];

const key = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

/**
 * The municipality-scoped routes in Fastify's printRoutes tree (`commonPrefix: false`): each line is
 * indented four characters a level, and its segment continues its parent's path. HEAD is left out
 * (Fastify adds it to every GET).
 */
function routerRoutes(tree: string): string[] {
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?\s*$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    const path = (depth === 0 ? '' : stack[depth - 1]!) + m[2]!;
    stack.push(path);
    for (const method of (m[3] ?? '').split(',').map((x) => x.trim())) {
      if (method === '' || method === 'HEAD') continue;
      if (path.startsWith('/api/v1/municipalities/:municipality/')) out.push(key(method, path));
    }
  }
  return out.sort();
}

/** What the table says for a user calling a route in a municipality. */
function expectation(row: Row, user: User, target: Target): Expectation {
  if (row.guard === 'applicant') return user.roles.includes('applicant') ? 'allow' : 'forbidden';
  const handles =
    user.municipality !== undefined && (user.municipality === target || HOST[target] === user.municipality);
  if (!handles) return 'not-found';
  return user.roles.some((r) => (row.guard as readonly Role[]).includes(r)) ? 'allow' : 'forbidden';
}

/** Runs `tasks` with at most `limit` at a time. */
async function pool<T>(limit: number, tasks: readonly (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array<T>(tasks.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, tasks.length) }, async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]!();
    }
  });
  await Promise.all(workers);
  return out;
}

let h: Running;
const tokens = new Map<string, string>();
/** One decided application (a refusal) of applicant-1 per municipality, so allowed callers find a record. */
const caseIds = {} as Record<Target, string>;

beforeAll(async () => {
  h = await startServer();
  for (const u of USERS) tokens.set(u.id, await h.tokenFor(u.id));
  for (const m of TARGETS) {
    caseIds[m] = randomUUID();
    await h.store.db
      .insertInto('application')
      .values({
        id: caseIds[m],
        municipality_id: m,
        applicant: '198503149828',
        kind: 'renewal',
        month: '2026-10',
        status: 'decided',
        snapshot: '{}',
        submitted_at: '2026-10-01T08:00:00Z',
        protected_identity: false,
      })
      .execute();
    await h.store.db
      .insertInto('decision')
      .values({
        id: randomUUID(),
        application_id: caseIds[m],
        municipality_id: m,
        outcome: 'avslag',
        amount_ore: 0,
        automated: true,
        decided_by: 'system',
        reasons: '[]',
        receipt: '{}',
      })
      .execute();
  }
});

afterAll(async () => {
  await h?.app.close();
});

function urlFor(row: Row, target: Target): string {
  const params: Record<string, string> = {
    municipality: target,
    id: caseIds[target],
    flagId: '1',
    letterId: randomUUID(),
    paymentId: randomUUID(),
    batchId: randomUUID(),
    checkId: randomUUID(),
    slotId: randomUUID(),
    documentId: randomUUID(),
    appealId: randomUUID(),
    queue: 'needs-person',
    adjustmentId: randomUUID(),
    period: '2020-02',
    ...row.params,
  };
  return (
    h.url +
    row.path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
      const v = params[name];
      if (v === undefined) throw new Error(`no value for path parameter ${name} in ${row.path}`);
      return v;
    }) +
    (row.query ?? '')
  );
}

async function call(row: Row, target: Target, token: string | undefined) {
  const headers: Record<string, string> = { 'accept-language': 'en' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (row.idempotent) headers['idempotency-key'] = `matrix-${randomUUID()}`;
  let body: string | undefined;
  if (row.method !== 'GET' && row.method !== 'DELETE') {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(row.body ?? {});
  }
  const res = await fetch(urlFor(row, target), { method: row.method, headers, ...(body ? { body } : {}) });
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    // HTML, XML or PDF: only its status matters here.
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', json, text };
}

describe('the matrix covers every municipality-scoped route', () => {
  it('the OpenAPI document lists exactly the routes of the table', async () => {
    const res = await fetch(`${h.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    const actual = Object.entries(doc.paths)
      .filter(([p]) => p.startsWith('/api/v1/municipalities/{municipality}/'))
      .flatMap(([p, ops]) =>
        Object.keys(ops)
          .filter((m) => ['get', 'put', 'post', 'patch', 'delete'].includes(m))
          .map((m) => key(m, p.replace(/\{([^}]+)\}/g, ':$1'))),
      )
      .sort();
    expect(actual).toEqual(TABLE.map((r) => key(r.method, r.path)).sort());
  });

  it('the router (hidden routes included) has exactly the routes of the table', () => {
    expect(routerRoutes(h.app.printRoutes({ commonPrefix: false }))).toEqual(
      TABLE.map((r) => key(r.method, r.path)).sort(),
    );
  });

  it('the preconditions: lovsala is hosted by ekby, ekby by no one', () => {
    expect(h.municipalities.get('lovsala')?.host).toBe('ekby');
    expect(h.municipalities.get('ekby')?.host).toBeUndefined();
  });
});

describe('authorization matrix', () => {
  it.each(TABLE.map((r) => [key(r.method, r.path), r] as const))('%s', async (_name, row) => {
    interface Case {
      readonly user: string;
      readonly target: Target;
      readonly expected: Expectation | 'unauthorized';
    }
    const cases: Case[] = [
      ...USERS.flatMap((u) => TARGETS.map((t) => ({ user: u.id, target: t, expected: expectation(row, u, t) }))),
      // Without a token: 401 on every route.
      { user: '(no token)', target: 'ekby', expected: 'unauthorized' },
    ];
    const results = await pool(
      8,
      cases.map((c) => async () => ({ ...c, res: await call(row, c.target, tokens.get(c.user)) })),
    );
    const failures: string[] = [];
    for (const { user, target, expected, res } of results) {
      const problemType = (res.json as { type?: unknown } | undefined)?.type;
      const label = `${row.method} ${row.path} user=${user} municipality=${target} expected=${expected} got=${res.status} ${typeof problemType === 'string' ? problemType : ''}`;
      let ok: boolean;
      switch (expected) {
        case 'allow':
          ok =
            res.status !== 401 &&
            res.status !== 403 &&
            res.status < 500 &&
            (!row.reaches || res.status !== 404) &&
            problemType !== '/problems/forbidden';
          break;
        case 'forbidden':
          ok = res.status === 403 && problemType === '/problems/forbidden';
          break;
        case 'not-found': {
          const keys = res.json !== null && typeof res.json === 'object' ? Object.keys(res.json).sort() : [];
          ok =
            res.status === 404 &&
            res.type.startsWith('application/problem+json') &&
            problemType === '/problems/not-found' &&
            keys.every((k) => ['detail', 'status', 'title', 'type'].includes(k));
          break;
        }
        case 'unauthorized':
          ok = res.status === 401 && problemType === '/problems/unauthorized';
          break;
      }
      if (!ok) failures.push(label);
    }
    expect(failures).toEqual([]);
    expect(results).toHaveLength(USERS.length * TARGETS.length + 1);
  });
});

describe('authorization comes before validation', () => {
  it('an invalid body answers 401 without a token and 404 to another municipality, 400 only to those allowed', async () => {
    const path = `/api/v1/municipalities/ekby/cases/${randomUUID()}/decision`;
    const post = async (user?: string) => {
      const res = await fetch(`${h.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(user ? { authorization: `Bearer ${tokens.get(user)}` } : {}),
        },
        body: '{}',
      });
      return { status: res.status, body: (await res.json()) as { type: string } };
    };
    expect(await post()).toMatchObject({ status: 401, body: { type: '/problems/unauthorized' } });
    expect(await post('lovsala-caseworker')).toMatchObject({ status: 404, body: { type: '/problems/not-found' } });
    expect(await post('ekby-coach')).toMatchObject({ status: 403, body: { type: '/problems/forbidden' } });
    expect(await post('ekby-caseworker')).toMatchObject({ status: 400, body: { type: '/problems/invalid-input' } });
  });
});
