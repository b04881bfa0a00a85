import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { CONTRACTS } from '../../shared/contracts';
import { openApiDocument } from '../../shared/contracts/openapi';
import { ROUTES } from '../../shared/http/routes';
import { DOCUMENTED_STAFF_SCOPE, withStaffScope } from '../../shared/contracts/served-openapi';

const run = promisify(execFile);
const document = openApiDocument({ staffScope: DOCUMENTED_STAFF_SCOPE }) as {
  paths: Record<string, Record<string, { operationId: string; security: unknown[]; responses: Record<string, unknown> }>>;
  components: { securitySchemes: Record<string, { type: string; scheme?: string; name?: string; in?: string }> };
};
const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, ...op })));

describe('the OpenAPI document', () => {
  test('describes every support, product and admin route, once, and nothing else', () => {
    const api = ROUTES.filter((r) => ['support-api', 'product-api', 'admin-api'].includes(r.fn)).map((r) => `${r.method} ${r.path}`);
    expect(operations.map((op) => op.key).sort()).toEqual(api.sort());
    expect(new Set(operations.map((op) => op.operationId)).size).toBe(operations.length);
  });

  test('the security schemes: bearer JWT with the staff scope for agents, HTTP Basic for the product, SigV4 as an apiKey for admins', () => {
    expect(document.components.securitySchemes).toMatchObject({ agentJwt: { type: 'http', scheme: 'bearer' }, productBasic: { type: 'http', scheme: 'basic' }, sigv4: { type: 'apiKey', in: 'header', name: 'Authorization' } });
    expect(document.paths['/support/orgs/{orgId}/access']!.get!.security).toEqual([{ agentJwt: ['support-access/agent'] }]);
    expect(document.paths['/oauth/introspect']!.post!.security).toEqual([{ productBasic: [] }]);
    expect(document.paths['/admin/orgs']!.get!.security).toEqual([{ sigv4: [] }]);
    expect(document.paths['/.well-known/jwks.json']!.get!.security).toEqual([]);
  });

  test('each operation documents its problems next to its successes', () => {
    const activate = document.paths['/support/orgs/{orgId}/cases/{caseId}/activate']!.post!.responses;
    expect(Object.keys(activate).sort()).toEqual(['200', '201', '400', '401', '403', '404', '409', '413', '429', '431', '500', '502', '503', '504']);
    expect(activate['409']).toEqual({ $ref: '#/components/responses/Status409' });
  });

  test('docs/openapi.json is the document the contracts generate (run `npm run openapi` after changing one)', () => {
    expect(JSON.parse(readFileSync(resolve('docs/openapi.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(document)));
  });

  test('GET /openapi.json serves docs/openapi.json with the stage\'s staff scope: what the contracts generate for that scope', () => {
    const served = JSON.parse(withStaffScope(readFileSync(resolve('docs/openapi.json'), 'utf8'), 'other-pool/support'));

    expect(served).toEqual(JSON.parse(JSON.stringify(openApiDocument({ staffScope: 'other-pool/support' }))));
    expect(JSON.stringify(served)).not.toContain(DOCUMENTED_STAFF_SCOPE);
  });

  test('Redocly lints it clean with its recommended rules, offline and with telemetry off', async () => {
    const cli = resolve('node_modules/@redocly/cli/bin/cli.js');
    const { stdout, stderr } = await run(process.execPath, [cli, 'lint', 'docs/openapi.json', '--extends', 'recommended', '--format', 'stylish'], {
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', CI: 'true' },
    });
    expect(`${stdout}${stderr}`).toContain('Your API description is valid');
    expect(`${stdout}${stderr}`).not.toMatch(/warning/i);
  }, 60_000);

  test('the contracts the document comes from cover the same routes', () => {
    expect(Object.keys(CONTRACTS).length).toBe(operations.length);
  });
});
