/**
 * Authentication by OIDC bearer tokens: `Authorization: Bearer <JWT access token>` verified with
 * the identity provider's published keys (discovery → jwks_uri), issuer, audience, type at+jwt
 * (RFC 9068), expiry and an allow-list of algorithms. A verified token becomes `request.principal`;
 * routes then guard themselves with `requireRole` and `requireMunicipality` as preValidation
 * hooks: they run before the request is validated, so nothing about a request is answered
 * before the caller is authenticated and authorized.
 *
 * A missing or invalid token answers 401 (with `WWW-Authenticate: Bearer`, RFC 6750), a token
 * without the role 403, and staff asking for another municipality's data 404, so nothing reveals
 * whether it exists. All as RFC 9457 problem details. Tokens and personnummer are never logged.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import type { Lang } from '@tillit/rules';
import { negotiateLang, problem } from '../problems.ts';
import { principalFromClaims } from './claims.ts';
import type { Principal, Role } from './claims.ts';

export { ROLES, STAFF_ROLES, CLAIMS } from './claims.ts';
export type { Principal, Role } from './claims.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller from a verified bearer token, or null without one (or with an invalid one). */
    principal: Principal | null;
    /** Where the principal came from: the browser session or a bearer token. */
    principalVia: 'session' | 'bearer' | null;
  }
}

export interface AuthOptions {
  /** The OpenID Provider's issuer URL; its discovery document names the JWKS. */
  readonly issuer: string;
  /** The `aud` Tillit's API expects in access tokens, e.g. `tillit-api`. */
  readonly audience: string;
  /** Skip discovery and fetch keys here. */
  readonly jwksUri?: string;
  /** Accepted JWS algorithms. Default RS256, PS256, ES256, EdDSA. */
  readonly algorithms?: readonly string[];
  /** Seconds of clock skew allowed for exp/nbf/iat. Default 5. */
  readonly clockTolerance?: number;
}

export const DEFAULT_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;
const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

const DETAILS: Record<'missing' | 'invalid' | 'role' | 'unavailable' | 'csrf', Record<Lang, string>> = {
  csrf: {
    sv: 'Sidan saknar en giltig säkerhetskod (CSRF). Ladda om sidan och försök igen.',
    en: 'The page lacks a valid security token (CSRF). Reload the page and try again.',
  },
  missing: {
    sv: 'Skicka en åtkomsttoken i Authorization-huvudet (Bearer).',
    en: 'Send an access token in the Authorization header (Bearer).',
  },
  invalid: {
    sv: 'Åtkomsttoken är ogiltig eller har gått ut. Logga in igen.',
    en: 'The access token is invalid or has expired. Sign in again.',
  },
  role: {
    sv: 'Din roll ger inte tillgång till detta.',
    en: 'Your role does not give access to this.',
  },
  unavailable: {
    sv: 'Identitetsleverantören svarar inte. Försök igen om en stund.',
    en: 'The identity provider does not answer. Try again in a moment.',
  },
};

/** Why a request has no principal. */
type Failure = 'missing' | 'invalid' | 'unavailable' | 'csrf';
const failures = new WeakMap<FastifyRequest, Failure>();

function bearerToken(header: string | undefined): string | undefined {
  const m = header === undefined ? null : /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  return m?.[1];
}

/** Errors that mean the token is bad, as opposed to the keys being unreachable. */
function isTokenError(err: unknown): boolean {
  return (
    err instanceof joseErrors.JWTClaimValidationFailed ||
    err instanceof joseErrors.JWTExpired ||
    err instanceof joseErrors.JWTInvalid ||
    err instanceof joseErrors.JWSInvalid ||
    err instanceof joseErrors.JWSSignatureVerificationFailed ||
    err instanceof joseErrors.JOSEAlgNotAllowed ||
    err instanceof joseErrors.JOSENotSupported ||
    err instanceof joseErrors.JWKSNoMatchingKey ||
    err instanceof joseErrors.JWKSMultipleMatchingKeys ||
    err instanceof joseErrors.JWEInvalid
  );
}

/** Keys from the issuer's discovery document, resolved on first use and again after a failure. */
function remoteKeys(opts: AuthOptions): JWTVerifyGetKey {
  let keys: Promise<JWTVerifyGetKey> | undefined;
  const resolve = async (): Promise<JWTVerifyGetKey> => {
    if (opts.jwksUri !== undefined) return createRemoteJWKSet(new URL(opts.jwksUri));
    const url = `${opts.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const res = await fetch(url, { signal: AbortSignal.timeout(5000), headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`OIDC discovery answered ${res.status}`);
    const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
    if (doc.issuer !== opts.issuer) throw new Error('OIDC discovery names another issuer');
    if (typeof doc.jwks_uri !== 'string') throw new Error('OIDC discovery has no jwks_uri');
    return createRemoteJWKSet(new URL(doc.jwks_uri));
  };
  return async (header, token) => {
    keys ??= resolve().catch((err: unknown) => {
      keys = undefined;
      throw err;
    });
    return (await keys)(header, token);
  };
}

/** Verifies an access token (RFC 9068) against the issuer's keys; throws jose's errors when it does not pass. */
export type TokenVerifier = (token: string) => Promise<Principal | null>;

export function tokenVerifier(opts: AuthOptions): TokenVerifier {
  const getKey = remoteKeys(opts);
  const algorithms = [...(opts.algorithms ?? DEFAULT_ALGORITHMS)];
  const clockTolerance = opts.clockTolerance ?? 5;
  return async (token) => {
    const { payload } = await jwtVerify(token, getKey, {
      issuer: opts.issuer,
      audience: opts.audience,
      algorithms,
      clockTolerance,
      typ: 'at+jwt',
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    return principalFromClaims(payload);
  };
}

/**
 * Where a request without a bearer token may find its principal: the browser session (session.ts),
 * or 'csrf' when the session's cookie came without the session's CSRF token on a state-changing
 * request.
 */
export type SessionResolver = (req: FastifyRequest) => Promise<Principal | 'csrf' | null>;

async function plugin(app: FastifyInstance, opts: AuthOptions & { session?: SessionResolver }): Promise<void> {
  const verify = tokenVerifier(opts);

  app.decorateRequest('principal', null);
  app.decorateRequest('principalVia', null);
  app.addHook('onRequest', async (req) => {
    const header = req.headers.authorization;
    const token = bearerToken(header);
    if (header === undefined && opts.session) {
      const fromSession = await opts.session(req);
      if (fromSession === 'csrf') failures.set(req, 'csrf');
      else if (fromSession) {
        req.principal = fromSession;
        req.principalVia = 'session';
        return;
      }
    }
    if (token === undefined) {
      // Another scheme, or a malformed Bearer header, is an invalid credential; no header is none.
      if (!failures.has(req)) failures.set(req, header === undefined ? 'missing' : 'invalid');
      return;
    }
    try {
      const principal = await verify(token);
      if (principal) {
        req.principal = principal;
        req.principalVia = 'bearer';
      } else {
        failures.set(req, 'invalid');
        req.log.info({ auth: 'malformed-claims' }, 'access token rejected');
      }
    } catch (err) {
      const tokenError = isTokenError(err);
      failures.set(req, tokenError ? 'invalid' : 'unavailable');
      // The error code only: never the token or its claims.
      const code = err instanceof joseErrors.JOSEError ? err.code : err instanceof Error ? err.name : 'unknown';
      if (tokenError) req.log.info({ auth: code }, 'access token rejected');
      else req.log.warn({ auth: code }, 'identity provider keys unavailable');
    }
  });
}

/** Register with `await app.register(authPlugin, { issuer, audience })`; decorates `request.principal`. */
export const authPlugin = fp(plugin, { name: 'tillit-auth', fastify: '5.x' });

/** Answers 401 (or 503 when the keys are unreachable) for a request without a principal. */
function unauthenticated(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const lang = negotiateLang(req.headers['accept-language']);
  const failure = failures.get(req) ?? 'missing';
  if (failure === 'csrf')
    return reply
      .code(403)
      .type(PROBLEM_JSON)
      .send(problem('forbidden', lang, DETAILS.csrf[lang]));
  if (failure === 'unavailable') {
    return reply
      .code(503)
      .header('retry-after', '5')
      .type(PROBLEM_JSON)
      .send(problem('auth-unavailable', lang, DETAILS.unavailable[lang]));
  }
  const challenge =
    failure === 'invalid'
      ? 'Bearer realm="tillit", error="invalid_token", error_description="The access token is invalid or has expired"'
      : 'Bearer realm="tillit"';
  return reply
    .code(401)
    .header('www-authenticate', challenge)
    .type(PROBLEM_JSON)
    .send(problem('unauthorized', lang, DETAILS[failure][lang]));
}

/** A route hook (preValidation): the caller must be signed in and hold at least one of the roles (any role when none given). */
export function requireRole(...roles: Role[]): preValidationAsyncHookHandler {
  return async function requireRoleHandler(req, reply) {
    const { principal } = req;
    if (!principal) return unauthenticated(req, reply);
    const allowed = roles.length === 0 ? principal.roles.length > 0 : principal.roles.some((r) => roles.includes(r));
    if (!allowed) {
      const lang = negotiateLang(req.headers['accept-language']);
      return reply
        .code(403)
        .type(PROBLEM_JSON)
        .send(problem('forbidden', lang, DETAILS.role[lang]));
    }
  };
}

/**
 * A route hook (preValidation): the caller must be staff of the municipality named by the route parameter. Anyone
 * else signed in gets 404 `/problems/not-found`, the same answer as for a municipality or record
 * that does not exist. Put it before `requireRole` so that staff of another municipality cannot
 * tell a role problem from a missing record.
 */
export function requireMunicipality(paramName = 'municipality'): preValidationAsyncHookHandler {
  return async function requireMunicipalityHandler(req, reply) {
    const { principal } = req;
    if (!principal) return unauthenticated(req, reply);
    const wanted = (req.params as Record<string, unknown> | undefined)?.[paramName];
    if (principal.municipality === undefined || typeof wanted !== 'string' || principal.municipality !== wanted) {
      const lang = negotiateLang(req.headers['accept-language']);
      return reply.code(404).type(PROBLEM_JSON).send(problem('not-found', lang));
    }
  };
}
