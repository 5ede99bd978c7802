/**
 * The built-in test identity provider: a real OpenID Provider (oidc-provider) for tests and the
 * embedded demo, never for production. It serves discovery, JWKS and a token endpoint that issues
 * signed JWT access tokens (RFC 9068) for Tillit's API, with an in-memory signing key generated at
 * start.
 *
 * Browsers sign in through its login page (test-idp-login.ts: pick a test person, a stand-in for
 * BankID) in the authorization code flow of a registered web client. API tests get a token for a
 * named test user through a grant type that only this provider has (TEST_LOGIN_GRANT), for a
 * confidential test client: `tokenFor(userId)` does that exchange over HTTP.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import Provider, { errors } from 'oidc-provider';
import type { Adapter, AdapterPayload, Configuration, JWK, ResourceServer } from 'oidc-provider';
import { CLAIMS } from './claims.ts';
import { loginInteractions } from './test-idp-login.ts';
import { claimsFor, readTestUsers } from './test-users.ts';
import type { TestUser } from './test-users.ts';

/** The grant type only the test identity provider has: a token for a named test user, no login. */
export const TEST_LOGIN_GRANT = 'urn:tillit:params:oauth:grant-type:test-login';
/** The confidential client allowed to use TEST_LOGIN_GRANT. */
export const TEST_LOGIN_CLIENT_ID = 'tillit-test-login';
export const DEFAULT_AUDIENCE = 'tillit-api';
/** The signing algorithm of the test provider's key (ID tokens and access tokens). */
export const TEST_IDP_ALG = 'RS256';

/** The RFC 8707 resource indicator the test provider maps to an access-token audience. */
export function resourceIndicatorFor(audience: string): string {
  return `urn:tillit:audience:${encodeURIComponent(audience)}`;
}

export interface TestIdentityProviderOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** The test users; default config/test-users.yaml. */
  readonly users?: readonly TestUser[];
  /** Audiences the provider issues access tokens for; the first is the default. Default ['tillit-api']. */
  readonly audiences?: readonly string[];
  /** Access-token lifetime in seconds. Default 3600. */
  readonly accessTokenTtl?: number;
}

export interface TokenOptions {
  /** Audience of the token; one of the provider's audiences. Default the first. */
  readonly audience?: string;
  /** Lifetime in seconds (1–86400), e.g. to test expiry. Default the provider's. */
  readonly expiresIn?: number;
}

export interface TestIdentityProvider {
  /** The issuer URL, e.g. http://127.0.0.1:43123 (discovery at /.well-known/openid-configuration). */
  readonly issuer: string;
  readonly audience: string;
  /**
   * Registers a confidential web client for the authorization code flow (with PKCE), e.g. Tillit's
   * own server once it knows its address. Registering the same id again replaces it.
   */
  registerWebClient(client: {
    readonly clientId: string;
    readonly clientSecret: string;
    readonly redirectUris: readonly string[];
  }): Promise<void>;
  /** A signed JWT access token for the test user with this id. */
  tokenFor(userId: string, options?: TokenOptions): Promise<string>;
  close(): Promise<void>;
}

/** A per-provider in-memory store (oidc-provider's own is process-global and warns at start). */
function memoryAdapterFactory(): (name: string) => Adapter {
  const store = new Map<string, { payload: AdapterPayload; expiresAt: number }>();
  const key = (model: string, id: string) => `${model}:${id}`;
  const live = (k: string) => {
    const entry = store.get(k);
    if (entry && entry.expiresAt <= Date.now()) {
      store.delete(k);
      return undefined;
    }
    return entry?.payload;
  };
  const findBy = (model: string, field: 'uid' | 'userCode', value: string) => {
    for (const [k] of store) {
      if (!k.startsWith(`${model}:`)) continue;
      const payload = live(k);
      if (payload?.[field] === value) return payload;
    }
    return undefined;
  };
  return (model) => ({
    async upsert(id, payload, expiresIn) {
      store.set(key(model, id), {
        payload,
        expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY,
      });
    },
    async find(id) {
      return live(key(model, id));
    },
    async findByUid(uid) {
      return findBy(model, 'uid', uid);
    },
    async findByUserCode(userCode) {
      return findBy(model, 'userCode', userCode);
    },
    async consume(id) {
      const payload = live(key(model, id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    },
    async destroy(id) {
      store.delete(key(model, id));
    },
    async revokeByGrantId(grantId) {
      for (const [k, entry] of store) if (entry.payload.grantId === grantId) store.delete(k);
    },
  });
}

export async function startTestIdentityProvider(
  options: TestIdentityProviderOptions = {},
): Promise<TestIdentityProvider> {
  const host = options.host ?? '127.0.0.1';
  const users = new Map((options.users ?? readTestUsers()).map((u) => [u.id, u]));
  const audiences = options.audiences ?? [DEFAULT_AUDIENCE];
  const audience = audiences[0];
  if (audience === undefined) throw new Error('the test identity provider needs at least one audience');
  const audienceByResource = new Map(audiences.map((a) => [resourceIndicatorFor(a), a]));
  const defaultResource = resourceIndicatorFor(audience);
  const accessTokenTtl = options.accessTokenTtl ?? 3600;

  // The issuer carries the port, so listen first and hand requests to the provider once it exists.
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const { privateKey } = await generateKeyPair(TEST_IDP_ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const signingKey = { ...jwk, alg: TEST_IDP_ALG, use: 'sig', kid: await calculateJwkThumbprint(jwk) } as JWK;
  const clientSecret = randomBytes(32).toString('base64url');

  const resourceServer = (aud: string): ResourceServer => ({
    scope: 'tillit',
    audience: aud,
    accessTokenFormat: 'jwt',
    accessTokenTTL: accessTokenTtl,
    jwt: { sign: { alg: TEST_IDP_ALG } },
  });

  const configuration: Configuration = {
    adapter: memoryAdapterFactory(),
    jwks: { keys: [signingKey] },
    clients: [
      {
        client_id: TEST_LOGIN_CLIENT_ID,
        client_secret: clientSecret,
        grant_types: [TEST_LOGIN_GRANT],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: {
      openid: ['sub'],
      profile: ['name'],
      tillit: [CLAIMS.roles, CLAIMS.municipality, CLAIMS.personnummer, CLAIMS.protectedIdentityAccess],
    },
    async findAccount(_ctx, sub) {
      const user = users.get(sub);
      if (!user) return undefined;
      return { accountId: sub, claims: () => ({ sub, ...claimsFor(user) }) };
    },
    async extraTokenClaims(_ctx, token) {
      if (token.kind !== 'AccessToken') return undefined;
      const user = users.get(token.accountId);
      return user ? claimsFor(user) : undefined;
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // First-party clients only: the login is the consent (no consent page).
    async loadExistingGrant(ctx) {
      const { client, session } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const existing = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (existing) return ctx.oidc.provider.Grant.find(existing);
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid profile tillit');
      grant.addResourceScope(defaultResource, 'tillit');
      await grant.save();
      return grant;
    },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => defaultResource,
        useGrantedResource: () => true,
        getResourceServerInfo(_ctx, indicator) {
          const aud = audienceByResource.get(indicator);
          if (aud === undefined) throw new errors.InvalidTarget();
          return resourceServer(aud);
        },
      },
    },
    ttl: {
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? accessTokenTtl,
      Grant: accessTokenTtl,
      IdToken: 3600,
      Interaction: 3600,
      Session: 3600,
    },
  };
  const provider = new Provider(issuer, configuration);

  provider.registerGrantType<{ login_hint?: string; expires_in?: string }>(
    TEST_LOGIN_GRANT,
    async (ctx) => {
      const { client, params } = ctx.oidc;
      const userId = params.login_hint;
      const user = typeof userId === 'string' ? users.get(userId) : undefined;
      if (!user) throw new errors.InvalidGrant('unknown test user');
      const resource = params.resource ?? defaultResource;
      if (typeof resource !== 'string') throw new errors.InvalidTarget('only one resource indicator is supported');
      const aud = audienceByResource.get(resource);
      if (aud === undefined) throw new errors.InvalidTarget();
      let expiresIn: number | undefined;
      if (params.expires_in !== undefined) {
        expiresIn = Number(params.expires_in);
        if (!Number.isSafeInteger(expiresIn) || expiresIn < 1 || expiresIn > 86_400) {
          throw new errors.InvalidRequest('expires_in must be an integer from 1 to 86400');
        }
      }

      const info = resourceServer(aud);
      const grant = new provider.Grant({ accountId: user.id, clientId: client.clientId });
      grant.addResourceScope(resource, info.scope);
      const grantId = await grant.save();
      const token = new provider.AccessToken({
        accountId: user.id,
        client,
        grantId,
        gty: TEST_LOGIN_GRANT,
        scope: info.scope,
        resourceServer: new provider.ResourceServer(resource, info),
        ...(expiresIn !== undefined ? { expiresIn } : {}),
      });
      const accessToken = await token.save();
      ctx.body = {
        access_token: accessToken,
        token_type: token.tokenType,
        expires_in: token.expiration,
        scope: token.scope,
      };
    },
    ['login_hint', 'resource', 'scope', 'expires_in'],
  );
  // Quiet: errors reach the client as OAuth error responses; nothing is logged, tokens least of all.
  provider.on('server_error', () => {});
  const callback = provider.callback();
  const login = loginInteractions(provider, users);
  handle = (req, res) => {
    if (req.url?.startsWith('/interaction/')) void login(req, res);
    else void callback(req, res);
  };
  const clientAdapter = configuration.adapter as (name: string) => Adapter;

  const tokenEndpoint = `${issuer}/token`;
  const basic = `Basic ${Buffer.from(
    `${encodeURIComponent(TEST_LOGIN_CLIENT_ID)}:${encodeURIComponent(clientSecret)}`,
  ).toString('base64')}`;

  return {
    issuer,
    audience,
    async registerWebClient({ clientId, clientSecret: secret, redirectUris }) {
      await clientAdapter('Client').upsert(
        clientId,
        {
          client_id: clientId,
          client_secret: secret,
          grant_types: ['authorization_code'],
          response_types: ['code'],
          redirect_uris: [...redirectUris],
          token_endpoint_auth_method: 'client_secret_basic',
        },
        0,
      );
    },
    async tokenFor(userId, tokenOptions = {}) {
      const body = new URLSearchParams({
        grant_type: TEST_LOGIN_GRANT,
        login_hint: userId,
        resource: resourceIndicatorFor(tokenOptions.audience ?? audience),
      });
      if (tokenOptions.expiresIn !== undefined) body.set('expires_in', String(tokenOptions.expiresIn));
      const res = await fetch(tokenEndpoint, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      const json = (await res.json()) as { access_token?: unknown; error?: unknown; error_description?: unknown };
      if (!res.ok || typeof json.access_token !== 'string') {
        throw new Error(
          `test identity provider: no token for ${userId}: ${String(json.error_description ?? json.error)}`,
        );
      }
      return json.access_token;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
