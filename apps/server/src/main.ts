/** `npm start`: the server on http://localhost:3000 (PORT, HOST), with graceful shutdown. */
import { loadRuleBook } from '@tillit/rules/node';
import { buildApp } from './app.ts';
import { startTestIdentityProvider } from './auth/test-idp.ts';
import { readConfig } from './config.ts';
import { migrate, openDatabase } from './db/database.ts';
import { readMunicipalities, readMunicipalityFile, seedMunicipalities } from './municipalities.ts';

const config = readConfig();
const rulebook = loadRuleBook(config.RULEBOOK_DIR);
const store = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
const applied = await migrate(store.db);
const seeded = await seedMunicipalities(store.db, readMunicipalityFile(config.MUNICIPALITIES_FILE));
const municipalities = await readMunicipalities(store.db, rulebook);
// Without OIDC_ISSUER (and outside production) the built-in test identity provider stands in.
const testIdp =
  config.TEST_IDP || (!config.OIDC_ISSUER && config.NODE_ENV !== 'production')
    ? await startTestIdentityProvider({ port: config.TEST_IDP_PORT, host: config.HOST })
    : undefined;
const issuer = config.OIDC_ISSUER ?? testIdp?.issuer;
if (!issuer) throw new Error('set OIDC_ISSUER (or TEST_IDP=true for a demo)');
const app = await buildApp({
  rulebook,
  municipalities,
  db: store.db,
  auth: { issuer, audience: config.OIDC_AUDIENCE },
  logger: { level: config.LOG_LEVEL },
  rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
});
app.addHook('onClose', async () => {
  await store.close();
  await testIdp?.close();
});
app.log.info(
  { database: store.kind, migrationsApplied: applied.length, municipalitiesSeeded: seeded },
  'database ready',
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
app.log.info(
  {
    rulebook: rulebook.version,
    hash: rulebook.hash.slice(0, 12),
    municipalities: municipalities.size,
    identityProvider: testIdp ? `test provider at ${testIdp.issuer}` : issuer,
  },
  `Tillit is ready: http://localhost:${config.PORT}/`,
);
