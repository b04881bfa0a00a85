import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { openApiDocument } from '../shared/contracts/openapi';
import { DOCUMENTED_STAFF_SCOPE } from '../shared/contracts/served-openapi';

/**
 * `npm run openapi`: writes the OpenAPI 3.1 document of the support, product and admin APIs
 * to docs/openapi.json (which `GET /openapi.json` serves, with the stage's staff scope), or to the path given.
 */
const out = resolve(process.argv[2] ?? 'docs/openapi.json');
const document = openApiDocument({ staffScope: DOCUMENTED_STAFF_SCOPE });
writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
const operations = Object.values(document.paths as Record<string, object>).reduce((n, methods) => n + Object.keys(methods).length, 0);
console.log(`Wrote ${out}: ${operations} operations.`);
