/** The OpenAPI document as served at /api/openapi.json, for the committed copy in docs/api/. */
import { buildApp } from './app.ts';
import { openDatabase } from './db/database.ts';
import { loadMunicipalities } from './municipalities.ts';
import { RuleBookRegistry } from './rulebook-registry.ts';

export const OPENAPI_FILE = new URL('../../../docs/api/openapi.json', import.meta.url);

export async function generateOpenApi(): Promise<string> {
  const rulebooks = RuleBookRegistry.load();
  // The routes need a database and an identity provider only when a request comes; none does here.
  const store = await openDatabase({ dataDir: 'memory' });
  const app = await buildApp({
    rulebooks,
    municipalities: loadMunicipalities(rulebooks.current()),
    db: store.db,
    auth: { issuer: 'http://127.0.0.1:9/', audience: 'tillit-api' },
  });
  await app.ready();
  const text = JSON.stringify(app.swagger(), null, 2) + '\n';
  await app.close();
  await store.close();
  return text;
}
