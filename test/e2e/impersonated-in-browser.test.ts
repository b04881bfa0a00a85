import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser';
import { PortalClient } from '../support/clients';
import { getItem, givenOrg, layout, type GivenOrg, uniqueAgent } from '../support/fixtures';
import { DEMO_PASSWORD } from '../../infra/local/layout';

const ALEX = uniqueAgent('alex');

/** Signs in through the local customer issuer's "Simulate a 'log in as' session" option. */
async function signInAsSupport(page: Page, email: string, agent: string) {
  await page.goto(`${layout.urls.portal}/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByText('Simulate a "log in as" session').click();
  await page.getByLabel('Support agent acting as this user').fill(agent);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${layout.urls.portal}/`);
}

describe('a "log in as" session in a real browser reads everything and changes nothing', () => {
  let browser: Browser;
  let given: GivenOrg;
  let grantId: string;
  let caseId: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    given = await givenOrg();
    // Prepare, in person: a grant and a case to try to change
    const admin = await PortalClient.signIn(given.admin.email);
    await admin.post('/grants', { durationHours: '2', level: 'monitor', scope: 'all', environment: 'production' });
    grantId = /\/grants\/([^/]+)\/revoke/.exec((await admin.get('/')).html)![1]!;
    caseId = /\/cases\/([^?]+)/.exec((await admin.post('/cases', { subject: 'Browser case', description: 'x', environment: 'production', remoteAccess: 'denied' })).location!)![1]!;
  });
  afterAll(async () => {
    await browser?.close();
  });

  test('dashboard, settings and case pages show; revoke, extend, save settings and solve each answer with the refusal page', async () => {
    const page = await (await browser.newContext()).newPage();
    await signInAsSupport(page, given.admin.email, ALEX);

    // Assess: read-only everywhere, and said so
    await page.locator('#impersonation-banner').getByText('only Test Admin in person can change access').waitFor();
    expect(await page.locator(`tr[data-grant="${grantId}"]`).count()).toBe(1);

    const refused = async (click: () => Promise<void>) => {
      await click();
      await page.getByRole('heading', { name: 'Only the customer in person can change access' }).waitFor();
      expect(await page.locator('.message').textContent()).toContain(`${ALEX} acting as`);
    };
    await page.goto(`${layout.urls.portal}/`);
    const row = page.locator(`tr[data-grant="${grantId}"]`);
    await row.locator('summary', { hasText: 'Revoke' }).click();
    await refused(() => row.getByRole('button', { name: /^Yes, revoke/ }).click());
    await page.goto(`${layout.urls.portal}/`);
    await row.locator('summary', { hasText: 'Change end time' }).click();
    await row.getByLabel(/^New end, in hours from now/).fill('300');
    await refused(() => row.getByRole('button', { name: /^Save end time/ }).click());
    await page.goto(`${layout.urls.portal}/settings`);
    await page.locator('#impersonation-banner').waitFor();
    await refused(() => page.getByRole('button', { name: /Save/ }).click());
    await page.goto(`${layout.urls.portal}/cases/${caseId}`);
    await refused(() => page.getByRole('button', { name: /solved/i }).click());

    // Assess: nothing changed
    expect(await getItem(`ORG#${given.org.orgId}`, `GRANT#${grantId}`)).toMatchObject({ status: 'active' });
    expect(await getItem(`ORG#${given.org.orgId}`, `CASE#${caseId}`)).toMatchObject({ status: 'open' });
  });
});
