/**
 * `npm run screenshots`: starts a fresh local stack with the demo data on its own ports, walks the
 * product in Chromium as the demo admin, user and agent, and saves the README's screenshots —
 * dashboard, grant form, case page, approval page, audit page — at 1280 and 390 px into
 * docs/screenshots/.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD, localLayout } from '../../infra/local/layout';
import { agentToken } from '../../infra/local/token';
import { launchBrowser } from '../support/browser';
import { startLocalStack, stopLocalStack } from '../support/local-stack';

const ENV = { SA_STAGE: 'dev', SA_PORT_BASE: process.env.SA_SCREENSHOT_PORT_BASE ?? '4300', SA_DATA_DIR: join(process.cwd(), '.screenshots-data', 'stack') };
const layout = localLayout({ ...process.env, ...ENV });
const base = layout.urls.portal;
const OUT = join(process.cwd(), 'docs', 'screenshots');
const WIDTHS = { laptop: 1280, phone: 390 } as const;

const step = (line: string) => process.stdout.write(`${line}\n`);

async function signIn(page: Page, email: string) {
  await page.goto(`${base}/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/`);
}

async function approvalLink(to: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const { emails } = (await (await fetch(`${layout.urls.mailbox}/store`)).json()) as { emails: { destination: { to: string[] }; subject: string; body: { text?: string } }[] };
    const mail = emails.filter((e) => e.destination.to.includes(to) && e.subject.startsWith('Support asks')).at(-1);
    const link = mail && /\/approvals\/[A-Za-z0-9_-]+/.exec(mail.body.text ?? '')?.[0];
    if (link) return link;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`No approval email to ${to}`);
}

async function main() {
  step('Starting a fresh local stack for the screenshots…');
  const stack = await startLocalStack(ENV, join(ENV.SA_DATA_DIR, '..', 'stack.log'));
  const browser = await launchBrowser();
  try {
    // The story the pictures tell: Ada grants a day, Uma opens a case, Alex asks, Uma is about to approve.
    const setup = await (await browser.newContext()).newPage();
    await signIn(setup, 'admin@acme.test');
    await setup.goto(`${base}/grants/new`);
    await setup.getByRole('radio', { name: /^1 day/ }).check();
    await setup.getByRole('radio', { name: /^Whole account/ }).check();
    await setup.getByRole('button', { name: 'Grant access' }).click();
    const user = await (await browser.newContext()).newPage();
    await signIn(user, 'user@acme.test');
    await user.goto(`${base}/cases/new`);
    await user.getByLabel('Subject').fill('Invoice totals do not add up');
    await user.getByLabel('Description').fill('Since Monday the totals on the dashboard are off by a few cents.');
    await user.getByRole('button', { name: 'Open case' }).click();
    const caseId = /\/cases\/([^?]+)/.exec(user.url())![1]!;
    const token = await agentToken(layout, 'alex@vendor.test');
    const asked = await fetch(`${base}/support/orgs/acme/cases/${caseId}/access-requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ justification: 'I need to compare the totals with the raw invoice data' }),
    });
    if (asked.status !== 201) throw new Error(`The access request failed: ${asked.status} ${await asked.text()}`);
    const approval = await approvalLink('user@acme.test');

    const shots: { name: string; as: 'admin@acme.test' | 'user@acme.test'; path: string; prepare?: (page: Page) => Promise<void> }[] = [
      { name: 'dashboard', as: 'admin@acme.test', path: '/' },
      { name: 'grant-form', as: 'admin@acme.test', path: '/grants/new' },
      { name: 'case', as: 'user@acme.test', path: `/cases/${caseId}` },
      { name: 'approval', as: 'user@acme.test', path: approval },
      { name: 'audit', as: 'admin@acme.test', path: '/audit' },
    ];
    for (const [size, width] of Object.entries(WIDTHS)) {
      const pages = new Map<string, Page>();
      for (const shot of shots) {
        let page = pages.get(shot.as);
        if (!page) {
          page = await (await browser.newContext({ viewport: { width, height: 900 }, timezoneId: 'UTC' })).newPage();
          await signIn(page, shot.as);
          pages.set(shot.as, page);
        }
        await page.goto(`${base}${shot.path}`);
        const file = join(OUT, `${shot.name}-${size}.png`);
        await page.screenshot({ path: file, fullPage: true });
        step(`  ${file}`);
      }
    }
    step(`Saved ${shots.length * Object.keys(WIDTHS).length} screenshots to ${OUT}.`);
  } finally {
    await browser.close();
    await stopLocalStack(stack);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Screenshots failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
