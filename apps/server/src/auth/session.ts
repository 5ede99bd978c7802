/**
 * Browser sign-in: the server is the OIDC client (authorization code flow with PKCE, `openid-client`)
 * and keeps the result in a server-side session, so no token ever reaches the browser's script.
 *
 * - `GET /auth/login?returnTo=/path&lang=sv` starts a login (state, nonce and PKCE verifier kept
 *   in the database for ten minutes, one use) and sends the browser to the identity provider,
 *   always with `prompt=login` (BankID asks every time; a shared computer stays safe).
 * - `GET /auth/callback` exchanges the code, verifies the access token exactly as the API verifies
 *   bearer tokens, and starts a session: an HttpOnly, SameSite=Lax cookie holding 32 random bytes
 *   (the database keeps only their SHA-256), with an idle and an absolute expiry.
 * - `GET /api/v1/session` tells the page who is signed in, when the session expires and the
 *   session's CSRF token; `POST /api/v1/session/extend` keeps it alive; `POST /auth/logout` ends it.
 *
 * A request with the session cookie and a state-changing method must carry the CSRF token in the
 * `X-CSRF-Token` header (a synchronizer token), or it gets 403. Tokens, cookies and personnummer
 * are never logged.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import * as client from 'openid-client';
import * as z from 'zod';
import type { Database } from '../db/schema.ts';
import { negotiateLang, problem, problemSchema } from '../problems.ts';
import { CLAIMS, principalFromClaims } from './claims.ts';
import type { Principal } from './claims.ts';
import type { SessionResolver, TokenVerifier } from './plugin.ts';

export const LOGIN_LANGS = ['sv', 'en', 'ar', 'so', 'ti', 'prs', 'uk'] as const;

export interface SessionOptions {
  readonly db: Kysely<Database>;
  /** Minutes without activity before the session ends. Default 20. */
  readonly idleMinutes?: number;
  /** Hours after sign-in when the session ends whatever happens. Default 8. */
  readonly absoluteHours?: number;
  /** Secure cookies with the __Host- prefix (HTTPS). Default: when the public URL is https. */
  readonly secureCookies: boolean;
}

export interface WebLoginOptions {
  /** The OpenID Provider for browser sign-in (may differ from the one issuing API tokens). */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** RFC 8707 resource indicator for Tillit's API, so the access token carries Tillit's audience. */
  readonly resource?: string;
  /** Where this server is reached by browsers, e.g. http://localhost:3000 (read at each login). */
  readonly publicUrl: () => string;
  /** Allow an http:// issuer (the built-in test provider on loopback); never in production. */
  readonly allowHttpIssuer?: boolean;
  readonly idleMinutes?: number;
  readonly absoluteHours?: number;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const LOGIN_TTL_MS = 10 * 60_000;
/** Activity less than this long after the last recorded one does not write again. */
const TOUCH_EVERY_MS = 15_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const token = () => randomBytes(32).toString('base64url');

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A local path to return to after login: never another site (no `//host` or `/\host`). */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || !/^\/(?![/\\])[\x21-\x7e]*$/.test(value) || value.length > 500) return '/';
  return value;
}

export interface Sessions {
  readonly cookieName: string;
  readonly idleMs: number;
  readonly resolve: SessionResolver;
  /** The live session for the request's cookie, or undefined. */
  current(req: FastifyRequest): Promise<LiveSession | undefined>;
  start(reply: FastifyReply, claims: Record<string, unknown>, subject: string): Promise<void>;
  extend(id: string): Promise<Date | undefined>;
  end(reply: FastifyReply, id: string | undefined): Promise<void>;
}

export interface LiveSession {
  readonly id: string;
  readonly principal: Principal;
  readonly csrfToken: string;
  readonly idleExpiresAt: Date;
  readonly absoluteExpiresAt: Date;
}

export function webSessions(opts: SessionOptions): Sessions {
  const { db } = opts;
  const idleMs = (opts.idleMinutes ?? 20) * 60_000;
  const absoluteMs = (opts.absoluteHours ?? 8) * 3_600_000;
  const cookieName = opts.secureCookies ? '__Host-tillit_session' : 'tillit_session';
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: opts.secureCookies };

  async function current(req: FastifyRequest): Promise<LiveSession | undefined> {
    const raw = req.cookies[cookieName];
    if (raw === undefined || raw.length < 20 || raw.length > 100) return undefined;
    const id = sha256(raw);
    const row = await db
      .selectFrom('web_session')
      .select(['claims', 'csrf_token', 'idle_expires_at', 'absolute_expires_at', 'last_seen_at'])
      .where('id', '=', id)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    const now = Date.now();
    const idle = new Date(row.idle_expires_at);
    const absolute = new Date(row.absolute_expires_at);
    if (idle.getTime() <= now || absolute.getTime() <= now) {
      await db
        .updateTable('web_session')
        .set({ ended_at: new Date(), end_reason: absolute.getTime() <= now ? 'absolute' : 'idle' })
        .where('id', '=', id)
        .where('ended_at', 'is', null)
        .execute();
      return undefined;
    }
    const principal = principalFromClaims(row.claims);
    if (!principal) return undefined;
    return { id, principal, csrfToken: row.csrf_token, idleExpiresAt: idle, absoluteExpiresAt: absolute };
  }

  /** Pushes the idle expiry; undefined when the session ended meanwhile (a logout in another tab). */
  async function extend(id: string): Promise<Date | undefined> {
    const now = new Date();
    const row = await db
      .updateTable('web_session')
      .set({ last_seen_at: now, idle_expires_at: new Date(now.getTime() + idleMs) })
      .where('id', '=', id)
      .where('ended_at', 'is', null)
      .returning(['idle_expires_at', 'absolute_expires_at'])
      .executeTakeFirst();
    if (!row) return undefined;
    return new Date(Math.min(new Date(row.idle_expires_at).getTime(), new Date(row.absolute_expires_at).getTime()));
  }

  return {
    cookieName,
    idleMs,
    current,
    extend,
    async resolve(req) {
      // Only the API needs a principal; pages and assets are the same for everyone.
      if (!req.url.startsWith('/api/')) return null;
      const s = await current(req);
      if (!s) return null;
      if (!SAFE_METHODS.has(req.method)) {
        const header = req.headers['x-csrf-token'];
        if (typeof header !== 'string' || !sameToken(header, s.csrfToken)) return 'csrf';
      }
      // Activity keeps the session alive; the page looking by itself (how long is left, has the
      // decision come) does not.
      const passive =
        req.method === 'GET' &&
        (req.url.split('?')[0] === '/api/v1/session' || req.headers['x-tillit-background'] === '1');
      if (!passive && s.idleExpiresAt.getTime() - Date.now() < idleMs - TOUCH_EVERY_MS) await extend(s.id);
      return s.principal;
    },
    async start(reply, claims, subject) {
      const raw = token();
      const now = Date.now();
      await db
        .insertInto('web_session')
        .values({
          id: sha256(raw),
          subject,
          claims: JSON.stringify(claims),
          csrf_token: token(),
          idle_expires_at: new Date(now + idleMs),
          absolute_expires_at: new Date(now + absoluteMs),
        })
        .execute();
      reply.setCookie(cookieName, raw, cookieOptions);
    },
    async end(reply, id) {
      if (id !== undefined)
        await db
          .updateTable('web_session')
          .set({ ended_at: new Date(), end_reason: 'logout' })
          .where('id', '=', id)
          .where('ended_at', 'is', null)
          .execute();
      reply.clearCookie(cookieName, cookieOptions);
    },
  };
}

/**
 * Housekeeping, run in the background: logins never finished are deleted; sessions past their
 * time are marked ended; ended sessions (they hold the person's claims) are deleted after a day.
 */
export async function purgeSessions(db: Kysely<Database>): Promise<{ ended: number; deleted: number }> {
  const now = new Date();
  await db.deleteFrom('web_login').where('expires_at', '<', now).execute();
  const ended = await db
    .updateTable('web_session')
    .set({ ended_at: now, end_reason: 'idle' })
    .where('ended_at', 'is', null)
    .where((eb) => eb.or([eb('idle_expires_at', '<', now), eb('absolute_expires_at', '<', now)]))
    .executeTakeFirst();
  const deleted = await db
    .deleteFrom('web_session')
    .where('ended_at', '<', new Date(now.getTime() - 86_400_000))
    .executeTakeFirst();
  return { ended: Number(ended.numUpdatedRows), deleted: Number(deleted.numDeletedRows) };
}

const sessionView = z
  .union([
    z.object({
      authenticated: z.literal(true),
      name: z.string().nullable(),
      roles: z.array(z.string()).readonly(),
      municipality: z.string().nullable(),
      personnummer: z.string().nullable().meta({ description: "The applicant's own personnummer (citizens only)." }),
      expiresAt: z.string().meta({ description: 'When the session ends without activity (or at the latest).' }),
      expiresInSeconds: z
        .number()
        .meta({ description: "Seconds until then: the page counts from its own clock, whatever the clocks' skew." }),
      idleMinutes: z.number(),
      csrfToken: z.string().meta({ description: 'Send as X-CSRF-Token on every state-changing request.' }),
    }),
    z.object({ authenticated: z.literal(false) }),
  ])
  .meta({ id: 'Session' });

/** The login, callback, logout and session routes. */
export async function webLoginRoutes(
  app: FastifyInstance,
  opts: WebLoginOptions & { sessions: Sessions; verify: TokenVerifier; db: Kysely<Database> },
): Promise<void> {
  const { sessions, db } = opts;
  const loginCookie = 'tillit_login';
  const loginCookieOptions = {
    path: '/auth',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: sessions.cookieName.startsWith('__Host-'),
    maxAge: LOGIN_TTL_MS / 1000,
  };
  let config: Promise<client.Configuration> | undefined;
  const oidc = () => {
    config ??= client
      .discovery(
        new URL(opts.issuer),
        opts.clientId,
        undefined,
        client.ClientSecretBasic(opts.clientSecret),
        opts.allowHttpIssuer ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((err: unknown) => {
        config = undefined;
        throw err;
      });
    return config;
  };
  const redirectUri = () => `${opts.publicUrl().replace(/\/$/, '')}/auth/callback`;
  const expiresAt = (s: LiveSession) =>
    new Date(Math.min(s.idleExpiresAt.getTime(), s.absoluteExpiresAt.getTime())).toISOString();

  // Each login start writes a row: a person needs a few a minute, a script gets 429.
  const loginRateLimit = { rateLimit: { max: 60, timeWindow: '1 minute' } };
  app.get('/auth/login', { schema: { hide: true }, config: loginRateLimit }, async (req, reply) => {
    const q = req.query as { returnTo?: unknown; lang?: unknown };
    const lang = (LOGIN_LANGS as readonly unknown[]).includes(q.lang) ? (q.lang as string) : 'sv';
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const raw = token();
    await db
      .insertInto('web_login')
      .values({
        id: sha256(raw),
        state,
        nonce,
        code_verifier: verifier,
        return_to: safeReturnTo(q.returnTo),
        lang,
        expires_at: new Date(Date.now() + LOGIN_TTL_MS),
      })
      .execute();
    // Logins that were never finished are cleared as new ones start.
    await db.deleteFrom('web_login').where('expires_at', '<', new Date()).execute();
    const url = client.buildAuthorizationUrl(await oidc(), {
      redirect_uri: redirectUri(),
      scope: 'openid profile tillit',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      prompt: 'login',
      ui_locales: lang,
      ...(opts.resource !== undefined ? { resource: opts.resource } : {}),
    });
    reply.setCookie(loginCookie, raw, loginCookieOptions);
    return reply.redirect(url.href, 303);
  });

  app.get('/auth/callback', { schema: { hide: true }, config: loginRateLimit }, async (req, reply) => {
    const raw = req.cookies[loginCookie];
    reply.clearCookie(loginCookie, loginCookieOptions);
    const login =
      raw === undefined
        ? undefined
        : await db
            .deleteFrom('web_login')
            .where('id', '=', sha256(raw))
            .where('expires_at', '>', new Date())
            .returningAll()
            .executeTakeFirst();
    const failed = (reason: string) =>
      reply.redirect(`/logga-in?fel=${reason}${login ? `&returnTo=${encodeURIComponent(login.return_to)}` : ''}`, 303);
    if (!login) return failed('expired');
    const url = new URL(req.url, opts.publicUrl());
    if (url.searchParams.get('error') === 'access_denied') return failed('cancelled');
    try {
      const tokens = await client.authorizationCodeGrant(await oidc(), url, {
        pkceCodeVerifier: login.code_verifier,
        expectedState: login.state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      const principal = await opts.verify(tokens.access_token);
      if (!principal) return failed('claims');
      const claims = tokens.claims();
      // A new sign-in in the same browser ends the one before (no two live sessions per cookie jar).
      const before = await sessions.current(req);
      if (before) await sessions.end(reply, before.id);
      await sessions.start(reply, principalClaims(principal), claims?.sub ?? principal.subject);
      req.log.info({ auth: 'session-started', roles: principal.roles }, 'signed in');
      return reply.redirect(login.return_to, 303);
    } catch (err) {
      req.log.warn({ auth: err instanceof Error ? err.name : 'unknown' }, 'sign-in failed');
      return failed('failed');
    }
  });

  app.post('/auth/logout', { schema: { hide: true } }, async (req, reply) => {
    const s = await sessions.current(req);
    if (s) {
      const header = req.headers['x-csrf-token'];
      if (typeof header !== 'string' || !sameToken(header, s.csrfToken)) {
        const lang = negotiateLang(req.headers['accept-language']);
        return reply.code(403).type('application/problem+json; charset=utf-8').send(problem('forbidden', lang));
      }
    }
    await sessions.end(reply, s?.id);
    return reply.code(204).send();
  });

  app.get(
    '/api/v1/session',
    {
      schema: {
        tags: ['session'],
        summary: 'Who is signed in in this browser, when the session ends, and its CSRF token',
        response: { 200: sessionView },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      const s = await sessions.current(req);
      if (!s) return { authenticated: false as const };
      return {
        authenticated: true as const,
        name: s.principal.name ?? null,
        roles: s.principal.roles,
        municipality: s.principal.municipality ?? null,
        personnummer: s.principal.personnummer ?? null,
        expiresAt: expiresAt(s),
        expiresInSeconds: Math.max(0, Math.floor((Date.parse(expiresAt(s)) - Date.now()) / 1000)),
        idleMinutes: sessions.idleMs / 60_000,
        csrfToken: s.csrfToken,
      };
    },
  );

  app.post(
    '/api/v1/session/extend',
    {
      schema: {
        tags: ['session'],
        summary: 'Keep the session alive (the page asks before the idle time runs out)',
        response: { 200: z.object({ expiresAt: z.string() }), 401: problemSchema, 403: problemSchema },
      },
    },
    async (req, reply) => {
      const lang = negotiateLang(req.headers['accept-language']);
      const s = await sessions.current(req);
      if (!s)
        return reply.code(401).type('application/problem+json; charset=utf-8').send(problem('unauthorized', lang));
      const header = req.headers['x-csrf-token'];
      if (typeof header !== 'string' || !sameToken(header, s.csrfToken))
        return reply.code(403).type('application/problem+json; charset=utf-8').send(problem('forbidden', lang));
      const until = await sessions.extend(s.id);
      if (!until)
        return reply.code(401).type('application/problem+json; charset=utf-8').send(problem('unauthorized', lang));
      return { expiresAt: until.toISOString() };
    },
  );
}

/** The claims a session keeps: exactly what the principal needs, in the access token's names. */
function principalClaims(p: Principal): Record<string, unknown> {
  return {
    sub: p.subject,
    roles: [...p.roles],
    ...(p.name !== undefined ? { name: p.name } : {}),
    ...(p.municipality !== undefined ? { [CLAIMS.municipality]: p.municipality } : {}),
    ...(p.personnummer !== undefined ? { [CLAIMS.personnummer]: p.personnummer } : {}),
    ...(p.protectedIdentityAccess ? { [CLAIMS.protectedIdentityAccess]: true } : {}),
  };
}
