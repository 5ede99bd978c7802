/**
 * The anonymous service metrics over real HTTP: applications started and completed, minutes to
 * complete, where unfinished ones stopped, the digital share (a browser session's submission counts
 * as the web); cells under five suppressed; the period validated; reads in the audit log.
 */
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAIMS } from '../src/auth/claims.ts';
import { isCleanRenewal, startHarness } from './pipeline-harness.ts';
import type { Harness } from './pipeline-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness((find) => ({
    api: find(isCleanRenewal, 6),
    web: find((x) => isCleanRenewal(x), 11).slice(6),
  }));
});
afterAll(async () => {
  await h?.close();
});

const base = '/api/v1/municipalities/ekby';
const day = (offset: number) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(new Date(Date.now() + offset * 86_400_000));
const today = day(0);
/** From yesterday, so that minutes moved back across midnight stay in the period. */
const yesterday = day(-1);

/** A browser session for a simulated applicant (as the sign-in would make it); returns the cookie and CSRF token. */
async function sessionFor(group: string, i: number) {
  const raw = randomBytes(32).toString('base64url');
  const csrf = randomBytes(32).toString('base64url');
  await h.server.store.db
    .insertInto('web_session')
    .values({
      id: createHash('sha256').update(raw).digest('hex'),
      subject: h.user(group, i),
      claims: JSON.stringify({
        sub: h.user(group, i),
        roles: ['applicant'],
        [CLAIMS.personnummer]: h.pick[group]![i]!.members[0]!.personnummer,
      }),
      csrf_token: csrf,
      idle_expires_at: new Date(Date.now() + 600_000),
      absolute_expires_at: new Date(Date.now() + 3_600_000),
    })
    .execute();
  return { cookie: `tillit_session=${raw}`, csrf };
}

async function webApply(i: number): Promise<string> {
  const { cookie, csrf } = await sessionFor('web', i);
  const send = async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) => {
    const res = await fetch(`${h.server.url}${base}${path}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrf, ...(body ? { 'content-type': 'application/json' } : {}), ...extra },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const created = await send('POST', '/applications', { kind: 'renewal', month: '2026-11' });
  const id = created.body.id as string;
  expect((await send('PUT', `/applications/${id}/draft`, h.draft(h.pick.web![i]!))).status).toBe(200);
  expect(
    (await send('POST', `/applications/${id}/submit`, undefined, { 'idempotency-key': `metrics-web-${i}` })).status,
  ).toBe(202);
  return id;
}

describe('service metrics', () => {
  it('counts started, completed, minutes, drop-off and the digital share; small cells suppressed', async () => {
    const submitted: string[] = [];
    for (let i = 0; i < 6; i++) submitted.push(await h.apply('api', i, 'renewal', `metrics-api-${i}`));
    for (let i = 0; i < 5; i++) submitted.push(await webApply(i));
    // 1, 2, …, 11 minutes from start to submission.
    for (const [n, id] of submitted.entries())
      await h.server.store.db
        .updateTable('application')
        .set({ created_at: sql<Date>`submitted_at - make_interval(mins => ${n + 1})` })
        .where('id', '=', id)
        .execute();
    // Five drafts that stopped at the incomes step two days ago, one still being worked on.
    for (let i = 0; i < 6; i++) {
      const created = await h.call(h.user('api', i), 'POST', `${base}/applications`, {
        kind: 'renewal',
        month: '2026-12',
        draft: { ui: { step: 'incomes' } },
      });
      if (i < 5)
        await h.server.store.db
          .updateTable('application')
          .set({ updated_at: sql<Date>`now() - interval '2 days'` })
          .where('id', '=', created.body.id as string)
          .execute();
    }

    const res = await h.call('ekby-auditor', 'GET', `${base}/service-metrics?from=${yesterday}&to=${today}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      from: yesterday,
      to: today,
      started: 17,
      completed: 11,
      completionRate: 0.647,
      byKind: [{ kind: 'renewal', started: 17, completed: 11 }],
      minutesToComplete: { median: 6, p90: 10 },
      dropOff: [{ step: 'incomes', count: 5 }],
      digital: { web: 5, other: 6, share: 0.455 },
      suppressedBelow: 5,
    });
    const rows = await h.server.store.db
      .selectFrom('application')
      .select(['channel', sql<number>`count(*)::int`.as('n')])
      .where('channel', 'is not', null)
      .groupBy('channel')
      .orderBy('channel')
      .execute();
    expect(rows).toEqual([
      { channel: 'api', n: 6 },
      { channel: 'web', n: 5 },
    ]);

    // Lövsala has nothing: every cell is suppressed or empty, nothing fails.
    const empty = await h.call(
      'lovsala-admin',
      'GET',
      `/api/v1/municipalities/lovsala/service-metrics?from=${today}&to=${today}`,
    );
    expect(empty.body).toMatchObject({
      started: null,
      completed: null,
      completionRate: null,
      minutesToComplete: { median: null, p90: null },
      digital: { web: null, other: null, share: null },
    });

    const audit = await h.server.store.db
      .selectFrom('audit_log')
      .select(['actor', 'object_type', 'purpose'])
      .where('object_type', '=', 'service-metrics')
      .execute();
    expect(audit.map((a) => a.actor).sort()).toEqual(['ekby-auditor', 'lovsala-admin']);
  });

  it('names a bad period in the language asked for; only admins and auditors, of the municipality', async () => {
    const bad = await h.call('ekby-admin', 'GET', `${base}/service-metrics?from=2026-11-30&to=2026-11-01`, undefined, {
      'accept-language': 'en',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      expect.objectContaining({ field: 'to', code: 'range-order', message: 'The end date is before the start date.' }),
    ]);
    const missing = await h.call('ekby-admin', 'GET', `${base}/service-metrics?from=2026-11-01`);
    expect((missing.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['to']);
    expect((await h.call('ekby-caseworker', 'GET', `${base}/service-metrics?from=${today}&to=${today}`)).status).toBe(
      403,
    );
    expect((await h.call('lovsala-admin', 'GET', `${base}/service-metrics?from=${today}&to=${today}`)).status).toBe(
      404,
    );
  });
});
