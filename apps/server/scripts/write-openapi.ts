/** `npm run openapi`: regenerates docs/api/openapi.json from the route schemas. */
import { writeFileSync } from 'node:fs';
import { OPENAPI_FILE, generateOpenApi } from '../src/openapi.ts';

writeFileSync(OPENAPI_FILE, await generateOpenApi());
console.log(`wrote ${OPENAPI_FILE.pathname}`);
