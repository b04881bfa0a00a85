import { spawnSync } from 'node:child_process';
import { uniqueId } from '../support/fixtures';
import { TEST_ENV } from '../support/stack-config';
import { introspect } from '../support/clients';

/** `npm run admin -- <args>` against the test stack, as a platform admin would run it. */
function admin(...args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'infra/admin/cli.ts', ...args], { env: { ...process.env, ...TEST_ENV }, encoding: 'utf8', timeout: 30_000 });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe('npm run admin (the platform admin CLI) against the local stack', () => {
  test('create prints the product credentials once, and they work; list shows the org; a duplicate is refused naming the field', () => {
    const name = `Cli Corp ${uniqueId('cli')}`;
    const created = admin('create', '--name', name, '--plan', 'paid', '--environments', 'production,sandbox', '--admin-email', `${uniqueId('ops')}@cli.test`);
    expect(created.err).toBe('');
    expect(created.code).toBe(0);
    expect(created.out).toContain(`Created ${name}`);
    const clientId = /client id: +(\S+)/.exec(created.out)?.[1];
    const secret = /client secret: +(\S+)/.exec(created.out)?.[1];
    // The id is the org's product client; the secret is 256 bits, base64url, printed once.
    expect(clientId).toMatch(/^[a-z0-9-]+\.product\.[a-z0-9]+$/);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const listed = admin('list');
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(new RegExp(`${name} +paid +production,sandbox +active`));

    const duplicate = admin('create', '--name', name.toLowerCase(), '--plan', 'paid', '--environments', 'production', '--admin-email', `${uniqueId('ops')}@cli.test`);
    expect(duplicate.code).toBe(1);
    expect(duplicate.err).toContain('Error 400 (field: name)');
    return expect(introspect({ clientId: clientId!, secret: secret! }, 'x')).resolves.toMatchObject({ status: 200 });
  });

  test('usage mistakes exit 2 with the usage; an unknown org exits 1 with the 404', () => {
    const careless = admin('delete', 'some-org');
    expect(careless.code).toBe(2);
    expect(careless.err).toContain('add --yes');
    expect(admin('frobnicate').err).toContain('Unknown command "frobnicate"');
    const unknown = admin('suspend', 'no-such-org');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('Error 404: No org no-such-org here.');
  });
});
