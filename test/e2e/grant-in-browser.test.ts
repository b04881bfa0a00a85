import type { Browser } from 'playwright-core';
import { launchBrowser, signIn } from '../support/browser';
import { getItem, givenOrg, type GivenOrg } from '../support/fixtures';

describe.each([
  ['with JavaScript', true],
  ['without JavaScript', false],
])('a customer grants and revokes login access in a real browser, %s', (_label, javaScriptEnabled) => {
  let browser: Browser;
  let given: GivenOrg;

  beforeAll(async () => {
    browser = await launchBrowser();
    given = await givenOrg();
  });
  afterAll(async () => {
    await browser?.close();
  });

  test('sign in, grant, see it listed with time left, revoke, see it gone', async () => {
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();

    await signIn(page, given.admin.email);
    await page.getByRole('heading', { name: 'Support login access' }).waitFor();
    await page.getByText('Support has no access to your account right now.').waitFor();

    await page.getByRole('link', { name: 'Grant login access' }).click();
    // Least privilege preselected: the org's default duration, the lowest level, only some workspaces.
    expect(await page.getByRole('radio', { name: /^5 days/ }).isChecked()).toBe(true);
    expect(await page.getByRole('radio', { name: /^monitor/ }).isChecked()).toBe(true);
    expect(await page.getByRole('radio', { name: 'Only these workspaces' }).isChecked()).toBe(true);
    await page.getByLabel('Custom').check();
    await page.getByLabel(/^Hours from now/).fill('0');
    await page.getByRole('button', { name: 'Grant access' }).click();
    expect(await page.locator('#durationHours-error').textContent()).toContain('at least');
    expect(await page.getByLabel(/^Hours from now/).getAttribute('aria-invalid')).toBe('true');
    await page.locator('.error-summary').getByRole('link', { name: /at least/ }).waitFor();

    await page.getByLabel(/^Hours from now/).fill('4');
    await page.getByRole('radio', { name: /^Whole account/ }).check();
    await page.getByRole('button', { name: 'Grant access' }).click();
    await page.getByRole('status').getByText('Login access granted').waitFor();

    const row = page.locator('tr[data-grant]');
    expect(await row.count()).toBe(1);
    expect(await row.locator('td').nth(1).textContent()).toBe('monitor');
    expect(await row.locator('td.left').textContent()).toMatch(/^(3 h 5\d min|4 h 0 min)$/);
    const grantId = await row.getAttribute('data-grant');
    expect((await getItem(`ORG#${given.org.orgId}`, `GRANT#${grantId}`))?.status).toBe('active');

    await row.locator('summary', { hasText: 'Revoke' }).click();
    await row.getByRole('button', { name: /^Yes, revoke access as / }).click();
    await page.getByRole('status').getByText('Login access revoked').waitFor();
    expect(await page.locator('tr[data-grant]').count()).toBe(0);
    expect((await getItem(`ORG#${given.org.orgId}`, `GRANT#${grantId}`))?.status).toBe('revoked');
    await context.close();
  });
});

describe('a non-admin grants within their own workspaces, and an admin extends it', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  test('only the user’s workspaces are offered; the admin sees and extends the grant', async () => {
    const given = await givenOrg({}, { allowNonAdminGrants: true });
    const userContext = await browser.newContext();
    const userPage = await userContext.newPage();
    await signIn(userPage, given.user.email);
    await userPage.getByRole('link', { name: 'Grant login access' }).click();
    const offered = await userPage.locator('input[name="workspaces"]').evaluateAll((inputs) => inputs.map((i) => (i as unknown as { value: string }).value));
    expect(offered).toEqual(['sales']);
    expect(await userPage.locator('input[name="scope"][value="all"]').count()).toBe(0);
    await userPage.getByLabel('Custom').check();
    await userPage.getByLabel(/^Hours from now/).fill('2');
    await userPage.getByLabel('sales').check();
    await userPage.getByRole('button', { name: 'Grant access' }).click();
    await userPage.getByRole('status').getByText('Login access granted').waitFor();
    expect(await userPage.locator('tr[data-grant] td.scope').textContent()).toBe('sales');
    await userContext.close();

    const adminContext = await browser.newContext();
    const adminPage = await adminContext.newPage();
    await signIn(adminPage, given.admin.email);
    const row = adminPage.locator('tr[data-grant]');
    expect(await row.count()).toBe(1);
    const grantId = await row.getAttribute('data-grant');
    await row.locator('summary', { hasText: 'Change end time' }).click();
    await row.getByLabel(/^New end, in hours from now/).fill('24');
    await row.getByRole('button', { name: /^Save end time/ }).click();
    await adminPage.getByRole('status').getByText('Login access now ends later').waitFor();
    expect(await adminPage.locator('tr[data-grant] td.left').textContent()).toMatch(/^(23 h 5\d min|1 d 0 h)$/);
    const stored = await getItem(`ORG#${given.org.orgId}`, `GRANT#${grantId}`);
    expect((Date.parse(stored!.expiresAt as string) - Date.now()) / 3_600_000).toBeCloseTo(24, 1);
    await adminContext.close();
  });
});
