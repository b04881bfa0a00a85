import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { openApiDocument } from '../shared/contracts/openapi';
import { stageConfig } from './config/stage-config';

/**
 * `npm run openapi`: writes the OpenAPI 3.1 document of the support, product and admin APIs
 * (the one `GET /openapi.json` serves) to docs/openapi.json, or to the path given.
 */
const out = resolve(process.argv[2] ?? 'docs/openapi.json');
const document = openApiDocument({ staffScope: stageConfig('dev').staffScope });
writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
const operations = Object.values(document.paths as Record<string, object>).reduce((n, methods) => n + Object.keys(methods).length, 0);
console.log(`Wrote ${out}: ${operations} operations.`);
