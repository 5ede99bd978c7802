/**
 * Browser sign-in over real HTTP, as a browser does it (redirects and cookies by hand): the OIDC
 * authorization code flow with PKCE against the test identity provider's login page, the
 * server-side session, CSRF on state-changing requests, the idle timeout and logout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeSessions } from '../src/auth/session.ts';
import { startServer } from './helpers.ts';
import type { Running } from './helpers.ts';

let server: Running;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.app.close();
});

/** Cookies per host:port, as a browser keeps them (name=value only). */
class Browser {
  private readonly jar = new Map<string, Map<string, string>>();
  async get(url: string, init: RequestInit = {}): Promise<Response> {
    const u = new URL(url);
    const cookies = [...(this.jar.get(u.host) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(u, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), ...(cookies ? { cookie: cookies } : {}) },
    });
    const store = this.jar.get(u.host) ?? new Map<string, string>();
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /expires=Thu, 01 Jan 1970/i.test(a) || /max-age=0/i.test(a.trim()));
      if (expired || value === '') store.delete(name);
      else store.set(name, value);
    }
    this.jar.set(u.host, store);
    return res;
  }
  cookie(url: string, name: string): string | undefined {
    return this.jar.get(new URL(url).host)?.get(name);
  }
  /** Follows redirects until a page that is not one; returns it and its URL. */
  async follow(url: string, init: RequestInit = {}): Promise<{ res: Response; url: string }> {
    let res = await this.get(url, init);
    let at = url;
    for (let i = 0; i < 10 && res.status >= 300 && res.status < 400; i++) {
      at = new URL(res.headers.get('location')!, at).href;
      res = await this.get(at);
    }
    return { res, url: at };
  }
}

/** Signs in as a test user through the login page; returns the browser and where it landed. */
async function signIn(user: string, returnTo = '/ansokan'): Promise<{ browser: Browser; landed: string }> {
  const browser = new Browser();
  const { res, url } = await browser.follow(`${server.url}/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
  expect(res.status).toBe(200);
  expect(url.startsWith(server.issuer)).toBe(true);
  const html = await res.text();
  expect(html).toContain('Testinloggning');
  const action = /<form method="post" action="([^"]+\/login)">/.exec(html)![1]!;
  const done = await browser.follow(new URL(action, url).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ user }).toString(),
  });
  return { browser, landed: done.url };
}

async function session(browser: Browser) {
  const res = await browser.get(`${server.url}/api/v1/session`);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return (await res.json()) as Record<string, unknown>;
}

describe('browser sign-in', () => {
  it('signs in with the code flow and PKCE, returns to the page asked for, and the session is the principal', async () => {
    const anonymous = new Browser();
    expect(await session(anonymous)).toEqual({ authenticated: false });

    const { browser, landed } = await signIn('applicant-1', '/ansokan?steg=2');
    expect(landed).toBe(`${server.url}/ansokan?steg=2`);
    const cookie = browser.cookie(server.url, 'tillit_session')!;
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The login in progress is gone; the database keeps only the cookie's hash.
    expect(await server.store.db.selectFrom('web_login').selectAll().execute()).toEqual([]);
    const rows = await server.store.db.selectFrom('web_session').select(['id', 'subject']).execute();
    expect(rows.map((r) => r.subject)).toContain('applicant-1');
    expect(rows.some((r) => r.id.includes(cookie))).toBe(false);

    const s = await session(browser);
    expect(s).toMatchObject({
      authenticated: true,
      name: 'Anna Andersson',
      roles: ['applicant'],
      municipality: null,
      personnummer: '198503149828',
    });
    expect(s.idleMinutes).toBe(20);
    const expires = Date.parse(s.expiresAt as string) - Date.now();
    expect(expires).toBeGreaterThan(19 * 60_000);
    expect(expires).toBeLessThanOrEqual(20 * 60_000);

    // The session is a principal for the API: a state-changing request needs the CSRF token.
    const create = (headers: Record<string, string>) =>
      browser.get(`${server.url}/api/v1/municipalities/ekby/applications`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ kind: 'new', month: '2026-12' }),
      });
    const refused = await create({});
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({
      type: '/problems/forbidden',
      detail: expect.stringContaining('CSRF'),
    });
    expect((await create({ 'x-csrf-token': 'x'.repeat(43) })).status).toBe(403);
    const made = await create({ 'x-csrf-token': s.csrfToken as string });
    expect(made.status).toBe(201);
  });

  it('staff sessions carry municipality and roles; a bearer token still works beside them', async () => {
    const { browser } = await signIn('ekby-protected-caseworker', '/');
    expect(await session(browser)).toMatchObject({
      authenticated: true,
      roles: ['caseworker'],
      municipality: 'ekby',
    });
    const res = await fetch(`${server.url}/api/v1/municipalities/ekby/cases?queue=needs-person`, {
      headers: { authorization: `Bearer ${await server.tokenFor('ekby-caseworker')}` },
    });
    expect(res.status).not.toBe(401);
  });

  it('logs out: the session ends on the server and the cookie is cleared', async () => {
    const { browser } = await signIn('applicant-1');
    const { csrfToken } = await session(browser);
    // Logging out needs the CSRF token too, so another site cannot sign a person out.
    expect((await browser.get(`${server.url}/auth/logout`, { method: 'POST' })).status).toBe(403);
    const out = await browser.get(`${server.url}/auth/logout`, {
      method: 'POST',
      headers: { 'x-csrf-token': csrfToken as string },
    });
    expect(out.status).toBe(204);
    expect(browser.cookie(server.url, 'tillit_session')).toBeUndefined();
    expect(await session(browser)).toEqual({ authenticated: false });
    const ended = await server.store.db
      .selectFrom('web_session')
      .select('end_reason')
      .where('subject', '=', 'applicant-1')
      .where('end_reason', '=', 'logout')
      .execute();
    expect(ended.length).toBe(1);
  });

  it('ends a session after the idle time; activity and the extend call push the expiry', async () => {
    const { browser } = await signIn('applicant-2');
    const s = await session(browser);
    const live = () =>
      server.store.db
        .selectFrom('web_session')
        .select(['idle_expires_at', 'end_reason'])
        .where('subject', '=', 'applicant-2')
        .executeTakeFirstOrThrow();
    // Pretend 19 minutes have passed: one minute left.
    await server.store.db
      .updateTable('web_session')
      .set({ idle_expires_at: new Date(Date.now() + 60_000) })
      .where('subject', '=', 'applicant-2')
      .execute();
    const soon = Date.parse((await session(browser)).expiresAt as string) - Date.now();
    expect(soon).toBeLessThanOrEqual(60_000);
    // Asking how long is left does not extend; the extend call does.
    const extended = await browser.get(`${server.url}/api/v1/session/extend`, {
      method: 'POST',
      headers: { 'x-csrf-token': s.csrfToken as string },
    });
    expect(extended.status).toBe(200);
    const { expiresAt } = (await extended.json()) as { expiresAt: string };
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(19 * 60_000);

    await server.store.db
      .updateTable('web_session')
      .set({ idle_expires_at: new Date(Date.now() - 1000) })
      .where('subject', '=', 'applicant-2')
      .execute();
    expect(await session(browser)).toEqual({ authenticated: false });
    expect((await live()).end_reason).toBe('idle');
    const api = await browser.get(`${server.url}/api/v1/municipalities/ekby/applications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken as string },
      body: JSON.stringify({ kind: 'new', month: '2026-12' }),
    });
    expect(api.status).toBe(401);
  });

  it('never returns to another site, and a cancelled or replayed login ends on the login page', async () => {
    for (const evil of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const { landed } = await signIn('applicant-1', evil);
      expect(landed).toBe(`${server.url}/`);
    }
    const browser = new Browser();
    const { res, url } = await browser.follow(`${server.url}/auth/login?returnTo=/ansokan&lang=en`);
    const html = await res.text();
    expect(html).toContain('Test sign-in');
    expect(html).toContain('lang="en"');
    const abort = /<form method="post" action="([^"]+\/abort)">/.exec(html)![1]!;
    const cancelled = await browser.follow(new URL(abort, url).href, { method: 'POST' });
    expect(cancelled.url).toBe(`${server.url}/logga-in?fel=cancelled&returnTo=%2Fansokan`);

    // A callback without the login's cookie (another browser, or a replay) starts nothing.
    const replay = await new Browser().get(`${server.url}/auth/callback?code=abc&state=def`);
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toBe('/logga-in?fel=expired');
  });
});

describe('housekeeping', () => {
  it('purges logins never finished, ends sessions past their time, deletes ended ones after a day', async () => {
    const { browser } = await signIn('applicant-2');
    const db = server.store.db;
    const cookie = browser.cookie(server.url, 'tillit_session')!;
    // A login nobody finished, long ago; a session past its absolute time; one ended two days ago.
    await db
      .insertInto('web_login')
      .values({
        id: 'a'.repeat(64),
        state: 's',
        nonce: 'n',
        code_verifier: 'v',
        return_to: '/',
        lang: 'sv',
        expires_at: new Date(Date.now() - 60_000),
      })
      .execute();
    const old = (id: string, ended: boolean) =>
      db
        .insertInto('web_session')
        .values({
          id: id.repeat(64),
          subject: 'applicant-1',
          claims: '{}',
          csrf_token: 'x',
          idle_expires_at: new Date(Date.now() - 3 * 86_400_000),
          absolute_expires_at: new Date(Date.now() - 3 * 86_400_000),
        })
        .execute()
        .then(() =>
          ended
            ? db
                .updateTable('web_session')
                .set({ ended_at: new Date(Date.now() - 2 * 86_400_000), end_reason: 'logout' })
                .where('id', '=', id.repeat(64))
                .execute()
            : undefined,
        );
    await old('b', false);
    await old('c', true);
    const out = await purgeSessions(db);
    expect(out.deleted).toBeGreaterThanOrEqual(1);
    expect(await db.selectFrom('web_login').select('id').where('id', '=', 'a'.repeat(64)).execute()).toEqual([]);
    expect(
      await db.selectFrom('web_session').select(['end_reason']).where('id', '=', 'b'.repeat(64)).executeTakeFirst(),
    ).toEqual({ end_reason: 'idle' });
    expect(await db.selectFrom('web_session').select('id').where('id', '=', 'c'.repeat(64)).execute()).toEqual([]);
    // The live session is untouched.
    expect(cookie).toBeDefined();
    expect(await session(browser)).toMatchObject({ authenticated: true });
  });
});
