/**
 * Authentication by OIDC bearer tokens against the built-in test identity provider: real
 * oidc-provider, real signed JWTs, real HTTP on 127.0.0.1, no mocks.
 */
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAIMS, STAFF_ROLES, isValidPersonnummer } from '../src/auth/claims.ts';
import { authPlugin, requireMunicipality, requireRole } from '../src/auth/plugin.ts';
import type { AuthOptions } from '../src/auth/plugin.ts';
import { TEST_LOGIN_GRANT, startTestIdentityProvider } from '../src/auth/test-idp.ts';
import type { TestIdentityProvider } from '../src/auth/test-idp.ts';
import { readTestUsers } from '../src/auth/test-users.ts';

const users = readTestUsers();
let idp: TestIdentityProvider;
let otherIdp: TestIdentityProvider;
let api: { app: FastifyInstance; url: string };
const logLines: string[] = [];

async function startApi(opts: AuthOptions, logs?: string[]): Promise<{ app: FastifyInstance; url: string }> {
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs?.push(chunk.toString());
      done();
    },
  });
  const app = Fastify({ logger: logs ? { level: 'trace', stream } : false });
  await app.register(authPlugin, opts);
  app.get('/public', async (req) => ({ signedIn: req.principal !== null }));
  app.get('/whoami', { preHandler: requireRole() }, async (req) => req.principal);
  app.get(
    '/municipalities/:municipality/cases',
    { preHandler: [requireMunicipality('municipality'), requireRole('caseworker', 'coach')] },
    async (req) => ({ municipality: (req.params as { municipality: string }).municipality, cases: [] }),
  );
  app.get(
    '/municipalities/:municipality/settings',
    { preHandler: [requireMunicipality(), requireRole('admin')] },
    async () => ({ settings: {} }),
  );
  app.get('/my/applications', { preHandler: requireRole('applicant') }, async (req) => ({
    personnummer: req.principal?.personnummer,
  }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return { app, url: `http://127.0.0.1:${address.port}` };
}

beforeAll(async () => {
  idp = await startTestIdentityProvider({
    port: 0,
    host: '127.0.0.1',
    users,
    audiences: ['tillit-api', 'another-api'],
  });
  otherIdp = await startTestIdentityProvider({ users });
  api = await startApi({ issuer: idp.issuer, audience: 'tillit-api', clockTolerance: 0 }, logLines);
});
afterAll(async () => {
  await api?.app.close();
  await idp?.close();
  await otherIdp?.close();
});

async function get(path: string, token?: string, headers: Record<string, string> = {}, base = api.url) {
  const res = await fetch(`${base}${path}`, {
    headers: { ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    challenge: res.headers.get('www-authenticate'),
    body: (await res.json()) as Record<string, unknown>,
  };
}

/** The reason the API logged for rejecting the token of the last request (a jose error code). */
function lastRejection(): string | undefined {
  const entries = logLines.map((l) => JSON.parse(l) as { msg?: string; auth?: string });
  return entries.filter((e) => e.msg === 'access token rejected').at(-1)?.auth;
}

/** The token with one base64url segment replaced. */
function withSegment(token: string, index: number, value: string): string {
  const parts = token.split('.');
  parts[index] = value;
  return parts.join('.');
}
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('the test identity provider', () => {
  it('is a real OpenID Provider: discovery, public JWKS, the test-login grant', async () => {
    const discovery = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(discovery.issuer).toBe(idp.issuer);
    expect(discovery.grant_types_supported).toContain(TEST_LOGIN_GRANT);
    const jwks = (await (await fetch(String(discovery.jwks_uri))).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    // Each start has its own key.
    const otherJwks = (await (await fetch(`${otherIdp.issuer}/jwks`)).json()) as { keys: { kid: string }[] };
    expect(otherJwks.keys[0]?.kid).not.toBe(jwks.keys[0]?.kid);
  });

  it('issues RFC 9068 JWT access tokens with the Tillit claims', async () => {
    const token = await idp.tokenFor('ekby-caseworker');
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      iss: idp.issuer,
      sub: 'ekby-caseworker',
      aud: 'tillit-api',
      client_id: 'tillit-test-login',
      name: 'Erika Ek',
      roles: ['caseworker'],
      [CLAIMS.municipality]: 'ekby',
    });
    expect(claims).not.toHaveProperty(CLAIMS.personnummer);
    expect(claims).not.toHaveProperty(CLAIMS.protectedIdentityAccess);
    expect(claims.exp! - claims.iat!).toBe(3600);
  });

  it('gives a citizen token the personnummer claim', async () => {
    const token = await idp.tokenFor('applicant-1');
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ sub: 'applicant-1', roles: ['applicant'], [CLAIMS.personnummer]: '198503149828' });
    expect(claims).not.toHaveProperty(CLAIMS.municipality);
  });

  it('refuses unknown users, unknown audiences and other clients', async () => {
    await expect(idp.tokenFor('nobody')).rejects.toThrow(/no token for nobody/);
    await expect(idp.tokenFor('ekby-caseworker', { audience: 'unknown-api' })).rejects.toThrow(/no token/);
    const res = await fetch(`${idp.issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('tillit-test-login:wrong-secret').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: TEST_LOGIN_GRANT, login_hint: 'ekby-admin' }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  });
});

describe('the test users', () => {
  it('cover every staff role in both municipalities, and citizens with valid personnummer', () => {
    for (const m of ['ekby', 'lovsala']) {
      const staff = users.filter((u) => u.municipality === m);
      expect(staff.map((u) => u.id).sort()).toEqual(
        ['admin', 'admin-2', 'auditor', 'caseworker', 'coach', 'customer-service', 'protected-caseworker'].map(
          (s) => `${m}-${s}`,
        ),
      );
      for (const role of STAFF_ROLES) expect(staff.some((u) => u.roles.includes(role))).toBe(true);
      expect(staff.filter((u) => u.protectedIdentityAccess).map((u) => u.id)).toEqual([`${m}-protected-caseworker`]);
    }
    const citizens = users.filter((u) => u.roles.includes('applicant'));
    expect(citizens.length).toBeGreaterThan(0);
    for (const c of citizens) expect(isValidPersonnummer(c.personnummer!)).toBe(true);
  });

  it('checks personnummer: format, date and Luhn digit', () => {
    expect(isValidPersonnummer('191212121212')).toBe(true);
    expect(isValidPersonnummer('191212121213')).toBe(false);
    expect(isValidPersonnummer('19121212-1212')).toBe(false);
    expect(isValidPersonnummer('191213121211')).toBe(false);
    expect(isValidPersonnummer('191212721219')).toBe(true); // samordningsnummer (day + 60)
  });
});

describe('bearer tokens on the API', () => {
  it('accepts a valid token for every test user, with roles and municipality from the token', async () => {
    for (const user of users) {
      const r = await get('/whoami', await idp.tokenFor(user.id));
      expect(r.status, user.id).toBe(200);
      expect(r.body).toEqual({
        subject: user.id,
        roles: user.roles,
        name: user.name,
        ...(user.municipality ? { municipality: user.municipality } : {}),
        ...(user.personnummer ? { personnummer: user.personnummer } : {}),
        protectedIdentityAccess: user.protectedIdentityAccess,
      });
    }
  });

  it('lets each staff role through exactly the routes for it', async () => {
    const expectations: [string, number, number][] = [
      ['ekby-caseworker', 200, 403],
      ['ekby-protected-caseworker', 200, 403],
      ['ekby-coach', 200, 403],
      ['ekby-customer-service', 403, 403],
      ['ekby-auditor', 403, 403],
      ['ekby-admin', 403, 200],
      ['ekby-admin-2', 403, 200],
    ];
    for (const [user, cases, settings] of expectations) {
      const token = await idp.tokenFor(user);
      expect((await get('/municipalities/ekby/cases', token)).status, user).toBe(cases);
      expect((await get('/municipalities/ekby/settings', token)).status, user).toBe(settings);
    }
  });

  it('answers 401 problem details with WWW-Authenticate without a token', async () => {
    const r = await get('/whoami');
    expect(r.status).toBe(401);
    expect(r.type).toBe('application/problem+json; charset=utf-8');
    expect(r.challenge).toBe('Bearer realm="tillit"');
    expect(r.body).toEqual({
      type: '/problems/unauthorized',
      title: 'Du behöver logga in',
      status: 401,
      detail: 'Skicka en åtkomsttoken i Authorization-huvudet (Bearer).',
    });
    const en = await get('/municipalities/ekby/cases', undefined, { 'accept-language': 'en' });
    expect(en.status).toBe(401);
    expect(en.body).toMatchObject({ type: '/problems/unauthorized', title: 'Authentication required' });
  });

  it('answers 401 invalid_token for another scheme or a malformed token', async () => {
    for (const authorization of ['Basic ZWtieTpla2J5', 'Bearer', 'Bearer not-a-jwt', 'Bearer a.b.c']) {
      const r = await get('/whoami', undefined, { authorization });
      expect(r.status, authorization).toBe(401);
      expect(r.challenge).toMatch(/^Bearer realm="tillit", error="invalid_token"/);
      expect(r.body.type).toBe('/problems/unauthorized');
    }
  });

  it('rejects a tampered signature or payload', async () => {
    const token = await idp.tokenFor('ekby-coach');
    const [, payload = '', signature = ''] = token.split('.');
    const flipped = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11);
    expect((await get('/whoami', withSegment(token, 2, flipped))).status).toBe(401);
    expect(lastRejection()).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    const elevated = { ...(JSON.parse(Buffer.from(payload, 'base64url').toString()) as object), roles: ['admin'] };
    const r = await get('/municipalities/ekby/settings', withSegment(token, 1, b64(elevated)));
    expect(r.status).toBe(401);
    expect(r.challenge).toContain('error="invalid_token"');
    expect(lastRejection()).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('rejects an unsigned token (alg none)', async () => {
    const claims = decodeJwt(await idp.tokenFor('ekby-admin'));
    const unsigned = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims)}.`;
    expect((await get('/whoami', unsigned)).status).toBe(401);
    expect(lastRejection()).toBe('ERR_JOSE_ALG_NOT_ALLOWED');
  });

  it('rejects a token for another audience', async () => {
    const token = await idp.tokenFor('ekby-caseworker', { audience: 'another-api' });
    expect(decodeJwt(token).aud).toBe('another-api');
    const r = await get('/whoami', token);
    expect(r.status).toBe(401);
    expect(r.challenge).toContain('error="invalid_token"');
    expect(lastRejection()).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
  });

  it('rejects a token from another issuer', async () => {
    const r = await get('/whoami', await otherIdp.tokenFor('ekby-admin'));
    expect(r.status).toBe(401);
    // Its key is not among the issuer's; the issuer claim is checked as well.
    expect(lastRejection()).toBe('ERR_JWKS_NO_MATCHING_KEY');
  });

  it('rejects an expired token', async () => {
    const token = await idp.tokenFor('ekby-caseworker', { expiresIn: 1 });
    const claims = decodeJwt(token);
    expect(claims.exp! - claims.iat!).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, claims.exp! * 1000 - Date.now()) + 1100));
    const r = await get('/whoami', token);
    expect(r.status).toBe(401);
    expect(r.body.detail).toBe('Åtkomsttoken är ogiltig eller har gått ut. Logga in igen.');
    expect(lastRejection()).toBe('ERR_JWT_EXPIRED');
  });

  it('answers 403 problem details when the role is not allowed', async () => {
    const r = await get('/municipalities/ekby/cases', await idp.tokenFor('ekby-customer-service'));
    expect(r.status).toBe(403);
    expect(r.type).toBe('application/problem+json; charset=utf-8');
    expect(r.challenge).toBeNull();
    expect(r.body).toEqual({
      type: '/problems/forbidden',
      title: 'Du saknar behörighet',
      status: 403,
      detail: 'Din roll ger inte tillgång till detta.',
    });
    expect((await get('/my/applications', await idp.tokenFor('ekby-admin'))).status).toBe(403);
  });

  it('answers 404 to staff of another municipality, whatever their role', async () => {
    for (const user of ['lovsala-caseworker', 'lovsala-admin', 'lovsala-customer-service']) {
      const token = await idp.tokenFor(user);
      for (const path of ['/municipalities/ekby/cases', '/municipalities/ekby/settings']) {
        const r = await get(path, token);
        expect(r.status, `${user} ${path}`).toBe(404);
        expect(r.body).toEqual({ type: '/problems/not-found', title: 'Sidan finns inte', status: 404 });
      }
    }
    const own = await get('/municipalities/lovsala/cases', await idp.tokenFor('lovsala-caseworker'));
    expect(own).toMatchObject({ status: 200, body: { municipality: 'lovsala' } });
    // A citizen belongs to no municipality's staff.
    expect((await get('/municipalities/ekby/cases', await idp.tokenFor('applicant-1'))).status).toBe(404);
  });

  it("gives a citizen's routes the personnummer from the token", async () => {
    const r = await get('/my/applications', await idp.tokenFor('applicant-2'));
    expect(r).toMatchObject({ status: 200, body: { personnummer: '199207089831' } });
  });

  it('leaves public routes open, with or without a valid token', async () => {
    expect((await get('/public')).body).toEqual({ signedIn: false });
    expect((await get('/public', 'garbage')).body).toEqual({ signedIn: false });
    expect((await get('/public', await idp.tokenFor('applicant-3'))).body).toEqual({ signedIn: true });
  });

  it('answers 503 when the identity provider cannot be reached', async () => {
    const gone = await startTestIdentityProvider({ users });
    const token = await gone.tokenFor('ekby-admin');
    await gone.close();
    const orphan = await startApi({ issuer: gone.issuer, audience: 'tillit-api' });
    try {
      const r = await get('/whoami', token, {}, orphan.url);
      expect(r.status).toBe(503);
      expect(r.body).toMatchObject({ type: '/problems/auth-unavailable', status: 503 });
      expect((await get('/whoami', undefined, {}, orphan.url)).status).toBe(401);
    } finally {
      await orphan.app.close();
    }
  });

  it('never logs tokens or personnummer', async () => {
    const token = await idp.tokenFor('applicant-1');
    await get('/my/applications', token);
    await get('/whoami', withSegment(token, 2, 'AAAA'));
    const logs = logLines.join('');
    expect(logs).toContain('access token rejected');
    expect(logs).not.toContain(token.split('.')[1]!);
    expect(logs).not.toContain('198503149828');
  });
});
