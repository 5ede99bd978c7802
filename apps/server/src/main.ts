/**
 * `npm start`: the whole system on one machine — the server on http://localhost:3000 (PORT,
 * HOST), the embedded database (or DATABASE_URL), the authority simulator (unless AUTHORITY_URL
 * names real sources), the test identity provider (unless OIDC_ISSUER names a real one), and
 * WORKERS pipeline workers in the process. Graceful shutdown on SIGTERM and SIGINT.
 */
import { startAuthoritySim } from '@tillit/authority-sim';
import type { AuthoritySim, SimHousehold } from '@tillit/authority-sim';
import { buildApp } from './app.ts';
import { every } from './background.ts';
import { authorityCollector } from './authorities/collector.ts';
import { ResilientClient } from './authorities/resilient-client.ts';
import { randomBytes } from 'node:crypto';
import { purgeSessions } from './auth/session.ts';
import { resourceIndicatorFor, startTestIdentityProvider } from './auth/test-idp.ts';
import { readTestUsers } from './auth/test-users.ts';
import type { TestUser } from './auth/test-users.ts';
import { readConfig } from './config.ts';
import { issuePendingLetters, sendPendingDeliveries } from './letters/service.ts';
import { schedulePayments } from './payments/service.ts';
import { migrate, openDatabase } from './db/database.ts';
import { readMunicipalities, readMunicipalityFile, seedMunicipalities } from './municipalities.ts';
import { seedDemoSlots } from './meetings/seed.ts';
import { raiseOverdueAlerts } from './pipeline/alerts.ts';
import { runWorker } from './pipeline/worker.ts';
import { RuleBookRegistry } from './rulebook-registry.ts';

const config = readConfig();
const rulebooks = RuleBookRegistry.load(config.RULEBOOK_DIR);
const store = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
const applied = await migrate(store.db);
// The shipped rule book with the yearly values administrators have confirmed.
const rulebook = await rulebooks.refresh(store.db);
const seeded = await seedMunicipalities(store.db, readMunicipalityFile(config.MUNICIPALITIES_FILE));
const municipalities = await readMunicipalities(store.db, rulebook);
const demo = config.NODE_ENV !== 'production';
// Demo coaches' calendars: slots for the next two working weeks (idempotent), so a new
// application can book a meeting the next working day.
if (demo)
  for (const [municipality, coachSubject, coachName] of [
    ['ekby', 'ekby-coach', 'Egon Ekström'],
    ['lovsala', 'lovsala-coach', 'Lina Lövdahl'],
  ] as const)
    await seedDemoSlots(store.db, { municipality, coachSubject, coachName, from: new Date(), workingDays: 10 });

// The authorities: the simulator in demo mode, or the SSBTEK gateway named by AUTHORITY_URL.
let sim: AuthoritySim | undefined;
if (!config.AUTHORITY_URL) {
  if (!demo) throw new Error('set AUTHORITY_URL in production');
  sim = await startAuthoritySim({ port: config.SIM_PORT, householdsPerMunicipality: config.SIM_HOUSEHOLDS });
}
const authorityUrl = config.AUTHORITY_URL ?? sim!.url;

// Demo applicants: a few households of the simulated population can sign in with the test provider.
function demoApplicants(households: readonly SimHousehold[]): TestUser[] {
  return households
    .filter((h) => h.municipalityCode === '9901' && !h.protectedIdentity)
    .slice(0, 5)
    .map((h, i) => ({
      id: `demo-applicant-${i + 1}`,
      name: `${h.members[0]!.givenName} ${h.members[0]!.familyName}`,
      roles: ['applicant'],
      personnummer: h.members[0]!.personnummer,
      protectedIdentityAccess: false,
    }));
}

// Without OIDC_ISSUER (and outside production) the built-in test identity provider stands in.
const testIdp =
  config.TEST_IDP || (!config.OIDC_ISSUER && demo)
    ? await startTestIdentityProvider({
        port: config.TEST_IDP_PORT,
        host: config.HOST,
        users: [...readTestUsers(), ...(sim ? demoApplicants(sim.population.households) : [])],
      })
    : undefined;
const issuer = config.OIDC_ISSUER ?? testIdp?.issuer;
if (!issuer) throw new Error('set OIDC_ISSUER (or TEST_IDP=true for a demo)');

// Browser sign-in: the server is an OIDC client. With the test provider, a client secret is made up
// at start and the client registered once the address is known; otherwise configured.
const publicUrl = (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, '');
const webClientSecret = config.OIDC_WEB_CLIENT_SECRET ?? (testIdp ? randomBytes(32).toString('base64url') : undefined);
if (!webClientSecret) throw new Error('set OIDC_WEB_CLIENT_SECRET for browser sign-in');

const app = await buildApp({
  rulebooks,
  municipalities,
  db: store.db,
  auth: { issuer, audience: config.OIDC_AUDIENCE },
  web: {
    issuer,
    clientId: config.OIDC_WEB_CLIENT_ID,
    clientSecret: webClientSecret,
    resource: resourceIndicatorFor(config.OIDC_AUDIENCE),
    publicUrl: () => publicUrl,
    allowHttpIssuer: demo && issuer.startsWith('http://'),
    idleMinutes: config.SESSION_IDLE_MINUTES,
  },
  logger: { level: config.LOG_LEVEL },
  rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
  trustProxy: config.TRUST_PROXY,
});

// Pipeline workers in this process (more can run as their own processes against PostgreSQL).
const stopWorkers = new AbortController();
const client = new ResilientClient(authorityUrl);
const workers = Array.from({ length: config.WORKERS }, (_, i) =>
  runWorker(
    {
      db: store.db,
      rulebook: () => rulebooks.current(),
      municipalities: () => app.tenants.current(),
      collect: authorityCollector(store.db, client),
      workerId: `${process.pid}-${i}`,
    },
    {
      signal: stopWorkers.signal,
      onError: (e) => app.log.error({ err: { message: (e as Error).message } }, 'worker error'),
    },
  ),
);

// Background work: late-case alerts every minute; payments for new decisions every five seconds
// (an export also schedules its municipality's new decisions first); letters for new decisions,
// requests and notices, and their deliveries, every two seconds.
const background = [
  every(60_000, 'alerts', app.log, async () => {
    const n = await raiseOverdueAlerts(store.db, app.tenants.current());
    if (n > 0) app.log.warn({ alerts: n }, 'applications past their time limit');
  }),
  every(5_000, 'payments', app.log, () => schedulePayments(store.db, app.tenants.current())),
  // Settings and yearly values changed by an administrator through another process.
  every(10_000, 'administration', app.log, async () => {
    await rulebooks.refresh(store.db);
    await app.tenants.reload();
  }),
  every(300_000, 'sessions', app.log, async () => {
    await purgeSessions(store.db);
  }),
  every(2_000, 'letters', app.log, async () => {
    await issuePendingLetters(app.letters, 20, (e) =>
      app.log.error({ err: { message: (e as Error).message } }, 'a letter could not be issued'),
    );
    await sendPendingDeliveries(app.letters);
  }),
];

app.addHook('onClose', async () => {
  stopWorkers.abort();
  await Promise.all(background.map((b) => b.close()));
  await Promise.all(workers);
  await store.close();
  await testIdp?.close();
  await sim?.close();
});
app.log.info(
  { database: store.kind, migrationsApplied: applied.length, municipalitiesSeeded: seeded, workers: config.WORKERS },
  'database and workers ready',
);

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  app.log.info({ signal }, 'shutting down');
  const timer = setTimeout(() => {
    app.log.error('shutdown timed out');
    process.exit(1);
  }, 10_000);
  timer.unref();
  await app.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

await app.listen({ port: config.PORT, host: config.HOST });
await testIdp?.registerWebClient({
  clientId: config.OIDC_WEB_CLIENT_ID,
  clientSecret: webClientSecret,
  redirectUris: [`${publicUrl}/auth/callback`],
});
app.log.info(
  {
    rulebook: rulebooks.current().version,
    hash: rulebooks.current().hash.slice(0, 12),
    municipalities: app.tenants.current().size,
    identityProvider: testIdp ? `test provider at ${testIdp.issuer}` : issuer,
    authorities: sim ? `simulator at ${sim.url}` : authorityUrl,
  },
  `Tillit is ready: ${publicUrl}/`,
);
