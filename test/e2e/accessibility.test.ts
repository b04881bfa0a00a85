import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, pageWidths, signIn } from '../support/browser';
import { AgentClient, PortalClient } from '../support/clients';
import { eventually, givenOrg, layout, type GivenOrg, uniqueAgent, uniqueId } from '../support/fixtures';
import { approvalLinkFor } from '../support/mailbox';

const ALEX = uniqueAgent('alex');

/**
 * Every portal page, as each kind of customer, at a laptop's and a phone's width: no serious or
 * critical axe-core violation (WCAG 2.1 AA rules), and nothing wider than a 390 px screen.
 */
const WIDTHS = [1280, 390] as const;

interface Scan {
  who: 'admin' | 'user' | 'free-plan admin';
  page: string;
  /** Opens the page (and puts it in the state to scan). */
  open: (page: Page) => Promise<void>;
}

describe('accessibility and layout of every page', () => {
  let browser: Browser;
  let paid: GivenOrg;
  let free: GivenOrg;
  let caseId: string;
  let approvalPath: string;
  const findings: string[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    paid = await givenOrg();
    free = await givenOrg({ plan: 'free' });
    const admin = await PortalClient.signIn(paid.admin.email);
    expect((await admin.post('/grants', { durationHours: '3', scope: 'all' })).status).toBe(303);
    const user = await PortalClient.signIn(paid.user.email);
    const opened = await user.post('/cases', { subject: 'Totals look wrong', description: 'The sum is off', environment: 'production', remoteAccess: 'denied' });
    caseId = /\/cases\/([^?]+)\?done=opened/.exec(opened.location ?? '')![1]!;
    const alex = await AgentClient.signIn(ALEX);
    expect((await alex.call('POST', `/support/orgs/${paid.org.orgId}/cases/${caseId}/access-requests`, { justification: 'Compare the totals' })).status).toBe(201);
    approvalPath = await approvalLinkFor(paid.user.email, 'Totals look wrong');
  });
  afterAll(async () => {
    await browser?.close();
    // The summary the README's accessibility section quotes.
    process.stderr.write(`axe: ${findings.length} serious or critical findings\n${findings.join('\n')}\n`);
  });

  const go = (path: string) => async (page: Page) => {
    await page.goto(`${layout.urls.portal}${path}`);
  };
  const SCANS: Scan[] = [
    { who: 'admin', page: 'dashboard', open: go('/') },
    { who: 'admin', page: 'grant form', open: go('/grants/new') },
    {
      who: 'admin',
      page: 'grant form with errors',
      open: async (page) => {
        await go('/grants/new')(page);
        await page.getByRole('radio', { name: 'Custom' }).check();
        await page.getByLabel(/^Hours from now/).fill('0');
        await page.getByRole('button', { name: 'Grant access' }).click();
      },
    },
    {
      who: 'admin',
      page: 'dashboard with a row error',
      open: async (page) => {
        await go('/')(page);
        const row = page.locator('tr[data-grant]').first();
        await row.locator('summary', { hasText: 'Change end time' }).click();
        await row.getByLabel(/^New end/).fill('soon');
        await row.getByRole('button', { name: /^Save end time/ }).click();
      },
    },
    { who: 'admin', page: 'settings', open: go('/settings') },
    {
      who: 'admin',
      page: 'settings with errors',
      open: async (page) => {
        await go('/settings')(page);
        await page.getByLabel(/^Longest grant/).fill('99999');
        await page.getByLabel(/^Approvers needed/).fill('9');
        await page.getByRole('button', { name: 'Save settings' }).click();
      },
    },
    { who: 'admin', page: 'webhooks', open: go('/settings/webhooks') },
    {
      who: 'admin',
      page: 'webhooks with errors',
      open: async (page) => {
        await go('/settings/webhooks')(page);
        await page.getByLabel(/^URL/).fill('http://10.0.0.1/');
        await page.getByRole('button', { name: 'Add webhook' }).click();
      },
    },
    {
      who: 'admin',
      page: 'webhook with its secret, then its delivery log',
      open: async (page) => {
        await go('/settings/webhooks')(page);
        await page.getByLabel(/^URL/).fill(`${layout.urls.webhooks}/hooks/${uniqueId('axe')}`);
        await page.getByRole('button', { name: 'Add webhook' }).click();
        await page.locator('#webhook-secret').waitFor();
        await page.getByRole('button', { name: 'Send test event' }).click();
        // The form's answer (a redirect back here) first, then reload until the delivery shows.
        await page.getByRole('status').getByText('Test event queued').waitFor();
        await eventually('the delivery log', async () => (await page.reload(), await page.locator('#deliveries').count()));
      },
    },
    { who: 'admin', page: 'audit', open: go('/audit') },
    { who: 'admin', page: 'cases', open: go('/cases') },
    { who: 'user', page: 'dashboard', open: go('/') },
    { who: 'user', page: 'case form', open: go('/cases/new') },
    { who: 'user', page: 'case', open: async (page) => go(`/cases/${caseId}`)(page) },
    { who: 'user', page: 'approval', open: async (page) => go(approvalPath)(page) },
    { who: 'user', page: 'refusal (settings, admins only)', open: go('/settings') },
    { who: 'free-plan admin', page: 'dashboard', open: go('/') },
    { who: 'free-plan admin', page: 'refusal (grant form on the free plan)', open: go('/grants/new') },
    { who: 'free-plan admin', page: 'case form', open: go('/cases/new') },
  ];

  const emailOf = (who: Scan['who']) => (who === 'admin' ? paid.admin.email : who === 'user' ? paid.user.email : free.admin.email);

  describe.each(WIDTHS)('at %i px', (width) => {
    const pages = new Map<string, Page>();
    afterAll(async () => {
      for (const page of pages.values()) await page.context().close();
    });
    const signedIn = async (who: Scan['who']) => {
      let page = pages.get(who);
      if (!page) {
        page = await (await browser.newContext({ viewport: { width, height: 900 } })).newPage();
        await signIn(page, emailOf(who));
        pages.set(who, page);
      }
      return page;
    };

    test.each(SCANS.map((s) => [`${s.who}: ${s.page}`, s] as const))('%s', async (_name, scan) => {
      const page = await signedIn(scan.who);
      await scan.open(page);
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
      const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      findings.push(...serious.map((v) => `${width}px ${scan.who} ${scan.page}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
      expect(serious.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
      if (width === 390) {
        const { scrollWidth, clientWidth } = await pageWidths(page);
        expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
      }
    });
  });
});
