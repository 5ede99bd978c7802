/** The OpenAPI document as served at /api/openapi.json, for the committed copy in docs/api/. */
import { loadRuleBook } from '@tillit/rules/node';
import { buildApp } from './app.ts';
import { loadMunicipalities } from './municipalities.ts';

export const OPENAPI_FILE = new URL('../../../docs/api/openapi.json', import.meta.url);

export async function generateOpenApi(): Promise<string> {
  const rulebook = loadRuleBook();
  const app = await buildApp({ rulebook, municipalities: loadMunicipalities(rulebook) });
  await app.ready();
  const text = JSON.stringify(app.swagger(), null, 2) + '\n';
  await app.close();
  return text;
}
