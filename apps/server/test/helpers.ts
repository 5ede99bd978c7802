/** Starts the real server on a free loopback port for integration tests (no mocks, real HTTP). */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { RuleBookRegistry } from '../src/rulebook-registry.ts';
import { buildApp } from '../src/app.ts';
import { resourceIndicatorFor, startTestIdentityProvider } from '../src/auth/test-idp.ts';
import { readTestUsers } from '../src/auth/test-users.ts';
import type { TestUser } from '../src/auth/test-users.ts';
import type { Db } from '../src/db/database.ts';
import { readMunicipalities, readMunicipalityFile, seedMunicipalities } from '../src/municipalities.ts';
import type { Municipalities } from '../src/municipalities.ts';
import type { RuleBook } from '@tillit/rules';
import { testDatabase } from './db.ts';

export const WEB_CLIENT_ID = 'tillit-web';

export interface Running {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly store: Db;
  /** The shipped rule book (the base). */
  readonly rulebook: RuleBook;
  /** The rule book in force, with yearly values confirmed by administrators. */
  readonly rulebooks: RuleBookRegistry;
  readonly municipalities: Municipalities;
  /** A real signed access token for a test user in config/test-users.yaml. */
  tokenFor(userId: string): Promise<string>;
  /** The test identity provider's issuer (its login page signs browsers in). */
  readonly issuer: string;
}

/** The server with the demo municipalities in a fresh database and the test identity provider. */
export async function startServer(
  options: { rateLimitPerMinute?: number; extraUsers?: readonly TestUser[]; idleMinutes?: number } = {},
): Promise<Running> {
  const { extraUsers = [], idleMinutes, ...appOptions } = options;
  const rulebooks = RuleBookRegistry.load();
  const rulebook = rulebooks.current();
  const idp = await startTestIdentityProvider({ port: 0, users: [...readTestUsers(), ...extraUsers] });
  const store = await testDatabase();
  const clientSecret = randomBytes(32).toString('base64url');
  let publicUrl = 'http://127.0.0.1';
  await seedMunicipalities(store.db, readMunicipalityFile());
  const municipalities = await readMunicipalities(store.db, rulebook);
  const app = await buildApp({
    rulebooks,
    municipalities,
    db: store.db,
    auth: { issuer: idp.issuer, audience: idp.audience },
    web: {
      issuer: idp.issuer,
      clientId: WEB_CLIENT_ID,
      clientSecret,
      resource: resourceIndicatorFor(idp.audience),
      publicUrl: () => publicUrl,
      allowHttpIssuer: true,
      ...(idleMinutes !== undefined ? { idleMinutes } : {}),
    },
    ...appOptions,
  });
  app.addHook('onClose', async () => {
    await store.close();
    await idp.close();
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  publicUrl = `http://127.0.0.1:${address.port}`;
  await idp.registerWebClient({ clientId: WEB_CLIENT_ID, clientSecret, redirectUris: [`${publicUrl}/auth/callback`] });
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    store,
    rulebook,
    rulebooks,
    municipalities,
    tokenFor: (id) => idp.tokenFor(id),
    issuer: idp.issuer,
  };
}
