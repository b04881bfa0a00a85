import type { Browser, Page } from 'playwright-core';
import { launchBrowser, pageWidths, signIn } from '../support/browser';
import { AgentClient } from '../support/clients';
import { getItem, givenOrg, layout, orgItems, uniqueAgent } from '../support/fixtures';
import { approvalLinkFor } from '../support/mailbox';

const ALEX = uniqueAgent('alex');

/** The flows a customer admin does on a phone (390 px), without a sideways scroll anywhere. */
describe('on a phone: grant with a preset, change the end time both ways, revoke, open a case, approve, settings errors', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const phone = async () => (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
  const noSidewaysScroll = async (page: Page) => {
    const { scrollWidth, clientWidth } = await pageWidths(page);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
  };
  const hoursLeft = async (orgId: string, grantId: string) => (Date.parse((await getItem(`ORG#${orgId}`, `GRANT#${grantId}`))!.expiresAt as string) - Date.now()) / 3_600_000;

  test('an admin grants "1 day", moves the end earlier then later, and revokes through the confirmation', async () => {
    const given = await givenOrg();
    const page = await phone();
    await signIn(page, given.admin.email);
    await page.getByRole('link', { name: 'Grant login access' }).click();
    await noSidewaysScroll(page);
    await page.getByRole('radio', { name: /^1 day/ }).check();
    await page.getByRole('radio', { name: /^Whole account/ }).check();
    await page.getByRole('button', { name: 'Grant access' }).click();
    await page.getByRole('status').getByText('Login access granted').waitFor();
    await noSidewaysScroll(page);
    const row = page.locator('tr[data-grant]');
    const grantId = (await row.getAttribute('data-grant'))!;
    expect(await hoursLeft(given.org.orgId, grantId)).toBeCloseTo(24, 1);

    for (const [hours, word] of [['6', 'earlier'], ['30', 'later']] as const) {
      await row.locator('summary', { hasText: 'Change end time' }).click();
      await row.getByLabel(/^New end, in hours from now/).fill(hours);
      await row.getByRole('button', { name: /^Save end time/ }).click();
      await page.getByRole('status').getByText(`Login access now ends ${word}`).waitFor();
      expect(await hoursLeft(given.org.orgId, grantId)).toBeCloseTo(Number(hours), 1);
    }
    expect((await orgItems(given.org.orgId)).filter((i) => i.action === 'grant.shortened' || i.action === 'grant.extended').map((i) => i.action).sort()).toEqual(['grant.extended', 'grant.shortened']);

    await row.locator('summary', { hasText: 'Revoke' }).click();
    await noSidewaysScroll(page);
    await row.getByRole('button', { name: /^Yes, revoke access as / }).click();
    await page.getByRole('status').getByText('Login access revoked').waitFor();
    expect((await getItem(`ORG#${given.org.orgId}`, `GRANT#${grantId}`))?.status).toBe('revoked');
  });

  test('a user opens a case and approves the agent\'s request from the email link', async () => {
    const given = await givenOrg({}, { remoteAccessPolicy: 'approval_needed' });
    const page = await phone();
    await signIn(page, given.user.email);
    await page.getByRole('link', { name: 'Cases' }).click();
    await page.getByRole('link', { name: 'Open a case' }).click();
    await page.getByLabel('Subject').fill('Export fails on phones');
    await page.getByLabel('Description').fill('The export button does nothing.');
    await noSidewaysScroll(page);
    await page.getByRole('button', { name: 'Open case' }).click();
    await page.getByRole('status').getByText('Case opened.').waitFor();
    const caseId = /\/cases\/([^?]+)/.exec(page.url())![1]!;

    const alex = await AgentClient.signIn(ALEX);
    expect((await alex.call('POST', `/support/orgs/${given.org.orgId}/cases/${caseId}/access-requests`, { justification: 'Reproduce the export' })).status).toBe(201);
    await page.goto(`${layout.urls.portal}${await approvalLinkFor(given.user.email, 'Export fails on phones')}`);
    await noSidewaysScroll(page);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('status').getByText('The request is approved').waitFor();
    expect((await getItem(`ORG#${given.org.orgId}`, `CASE#${caseId}`))?.remoteAccess).toBe('allowed');
  });

  test('an admin saves settings with four errors: all four in the summary, each field marked, focus on the summary', async () => {
    const given = await givenOrg();
    const page = await phone();
    await signIn(page, given.admin.email);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel(/^Longest grant/).fill('99999');
    await page.getByLabel(/^Default grant length/).fill('soon');
    await page.getByLabel(/^Approvers needed/).fill('7');
    await page.getByLabel(/^Authorized contacts/).fill('not-an-email');
    await page.getByRole('button', { name: 'Save settings' }).click();
    const summary = page.locator('.error-summary');
    await summary.waitFor();
    expect(await summary.getByRole('link').count()).toBe(4);
    expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { className: string } } }).document.activeElement.className)).toBe('error-summary');
    for (const label of [/^Longest grant/, /^Default grant length/, /^Approvers needed/, /^Authorized contacts/]) {
      expect(await page.getByLabel(label).getAttribute('aria-invalid')).toBe('true');
    }
    await noSidewaysScroll(page);
  });
});
