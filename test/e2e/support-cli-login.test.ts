import type { Browser } from 'playwright-core';
import { launchBrowser } from '../support/browser';
import { DEMO_PASSWORD } from '../../infra/local/layout';
import { SupportCli } from '../support/support-cli';
import { layout, uniqueAgent } from '../support/fixtures';
import { supportCliCallback } from '../../infra/config/stage-config';

const BEA = uniqueAgent('bea');

const CALLBACK = supportCliCallback(layout.stage);

/** The first line on stderr that is the sign-in URL the CLI prints. */
function urlFrom(stderr: string): string | undefined {
  return /^ {2}(http\S+)$/m.exec(stderr)?.[1];
}

describe('npm run support -- login: the loopback sign-in in a real browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  test('the CLI prints the URL, the agent signs in at the staff issuer, the browser comes back to the CLI, which keeps the tokens', async () => {
    const cli = new SupportCli();
    const login = cli.start(['login', '--no-browser']);
    let stdout = '';
    let stderr = '';
    login.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    login.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => login.on('close', resolve));
    while (!urlFrom(stderr) && login.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    const url = urlFrom(stderr)!;
    // Authorization code with PKCE (S256), the API's scope, and the stage's loopback callback.
    const params = new URL(url).searchParams;
    expect(Object.fromEntries(['response_type', 'code_challenge_method', 'redirect_uri'].map((k) => [k, params.get(k)]))).toEqual({
      response_type: 'code',
      code_challenge_method: 'S256',
      redirect_uri: CALLBACK,
    });
    expect(params.get('scope')!.split(' ')).toContain('support-access/agent');

    const page = await (await browser.newContext()).newPage();
    await page.goto(url);
    await page.getByLabel('Email').fill(BEA);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Signed in' }).waitFor();
    expect(page.url().startsWith(`${CALLBACK}?code=`)).toBe(true);

    expect(await exited).toBe(0);
    expect(stdout.startsWith(`Signed in to stage test as ${BEA};`)).toBe(true);
    expect((await cli.run('whoami')).stdout.startsWith(`${BEA} `)).toBe(true);
    // The callback server is gone once the sign-in is done.
    await expect(fetch(CALLBACK)).rejects.toThrow();
  });

  test('a callback carrying another state is refused and the CLI keeps waiting for its own', async () => {
    const cli = new SupportCli();
    const login = cli.start(['login', '--no-browser']);
    let stderr = '';
    login.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => login.on('close', resolve));
    while (!urlFrom(stderr)) await new Promise((r) => setTimeout(r, 50));
    const forged = await fetch(`${CALLBACK}?code=attacker-code&state=not-ours`);
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('different state');
    expect(login.exitCode).toBeNull();

    // The issuer's own refusal (with our state) ends the attempt with its reason.
    const state = new URL(urlFrom(stderr)!).searchParams.get('state')!;
    const denied = await fetch(`${CALLBACK}?error=access_denied&error_description=${encodeURIComponent('End-User aborted interaction')}&state=${state}`);
    expect(denied.status).toBe(400);
    expect(await exited).toBe(1);
    expect(stderr).toContain('Sign-in was refused: End-User aborted interaction.');
  });
});
