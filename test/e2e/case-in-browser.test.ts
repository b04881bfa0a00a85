import type { Browser } from 'playwright-core';
import { AgentClient, introspect } from '../support/clients';
import { fillSignIn, launchBrowser, signIn } from '../support/browser';
import { eventually, getItem, givenOrg, layout, type GivenOrg, uniqueAgent } from '../support/fixtures';
import { emailsTo } from '../support/mailbox';

const ALEX = uniqueAgent('alex');

describe('a case approved from the emailed link, in a real browser', () => {
  let browser: Browser;
  let given: GivenOrg;
  let alex: AgentClient;

  beforeAll(async () => {
    browser = await launchBrowser();
    given = await givenOrg({}, { remoteAccessPolicy: 'approval_needed' });
    alex = await AgentClient.signIn(ALEX);
  });
  afterAll(async () => {
    await browser?.close();
  });

  test('open a case, approve the agent’s request from the email, see it allowed; resolving ends access', async () => {
    const orgId = given.org.orgId;
    // Prepare: the user opens a case in the portal; under approval_needed it starts denied
    const userContext = await browser.newContext();
    const page = await userContext.newPage();
    await signIn(page, given.user.email);
    await page.getByRole('link', { name: 'Cases' }).click();
    await page.getByRole('link', { name: 'Open a case' }).click();
    expect(await page.getByLabel('Denied — support must ask first').isChecked()).toBe(true);
    await page.getByLabel('Subject').fill('Dashboard numbers are off');
    await page.getByLabel('Description').fill('Since Monday the totals do not add up.');
    await page.getByRole('button', { name: 'Open case' }).click();
    await page.getByRole('status').getByText('Case opened.').waitFor();
    expect(await page.locator('#remote-access').textContent()).toBe('denied');
    const caseId = /\/cases\/([^?]+)/.exec(page.url())![1]!;

    // Act: the agent asks for permission through the support API
    const asked = await alex.call('POST', `/support/orgs/${orgId}/cases/${caseId}/access-requests`, { justification: 'I need to compare the totals with the raw data' });
    expect(asked.status).toBe(201);

    // Act: the contact follows the link in the email the SES emulator received, in a fresh browser
    const mail = await eventually('the permission-request email', async () =>
      (await emailsTo(given.user.email)).find((e) => e.subject.includes('Dashboard numbers are off') && e.subject.startsWith('Support asks')),
    );
    const href = /href="([^"]*\/approvals\/[^"]+)"/.exec(mail.body.html ?? '')![1]!;
    expect(href.startsWith(`${layout.urls.portal}/approvals/`)).toBe(true);
    const linkContext = await browser.newContext();
    const approvalPage = await linkContext.newPage();
    await approvalPage.goto(href);
    await fillSignIn(approvalPage, given.user.email);
    await approvalPage.waitForURL(href);
    await approvalPage.getByRole('heading', { name: /Support asks to access/ }).waitFor();
    expect(await approvalPage.locator('#justification').textContent()).toBe('I need to compare the totals with the raw data');
    await approvalPage.getByLabel('Comment (optional)').fill('Fine, for this case only');
    await approvalPage.getByRole('button', { name: 'Approve' }).click();
    await approvalPage.getByRole('status').getByText('The request is approved').waitFor();

    // Assess: the case page shows remote access allowed, with who changed it
    await approvalPage.getByRole('link', { name: 'See the case' }).click();
    expect(await approvalPage.locator('#remote-access').textContent()).toBe('allowed');
    expect(await approvalPage.locator('#history').textContent()).toContain(`${given.user.email} allowed support to access the account for this case (it was denied).`);

    // Act: the agent activates access; the case page lists it
    const activated = await alex.call('POST', `/support/orgs/${orgId}/cases/${caseId}/activate`, {});
    expect(activated.status).toBe(201);
    await page.reload();
    await page.getByText(new RegExp(`${ALEX.replaceAll('.', '\\.')} as .* support profile`)).waitFor();

    // Act: the agent resolves the case
    const resolved = await alex.call('POST', `/support/orgs/${orgId}/cases/${caseId}/resolve`);
    expect(resolved.body.endedGrants).toEqual([activated.body.grantId]);

    // Assess: the page shows it solved with no support access; the grant has ended
    await page.reload();
    expect(await page.locator('#case-status').textContent()).toBe('solved');
    await page.getByText('Support has no access for this case.').waitFor();
    expect(await page.getByRole('button', { name: 'Mark solved' }).count()).toBe(0);
    expect(await getItem(`ORG#${orgId}`, `GRANT#${activated.body.grantId}`)).toMatchObject({ status: 'ended', endReason: 'case_solved' });
    await userContext.close();
    await linkContext.close();
  });
});

describe('the customer ends an agent’s "log in as" session in a real browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  test('the dashboard shows who is logged in as you; End session makes the agent’s token inactive', async () => {
    const given = await givenOrg();
    const alex = await AgentClient.signIn(ALEX);
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, given.admin.email);
    await page.getByText('Nobody from support is logged in as anyone in your organization.').waitFor();
    await page.getByRole('link', { name: 'Grant login access' }).click();
    await page.getByRole('radio', { name: /^Whole account/ }).check();
    await page.getByRole('button', { name: 'Grant access' }).click();
    const grantId = await page.locator('tr[data-grant]').getAttribute('data-grant');

    const started = await alex.call('POST', `/support/orgs/${given.org.orgId}/grants/${grantId}/sessions`, { justification: 'Checking the import log' });
    expect(started.status).toBe(201);
    expect((await introspect(given.product, started.body.token)).body.active).toBe(true);

    await page.reload();
    const row = page.locator(`tr[data-session="${started.body.sessionId}"]`);
    expect(await row.locator('td').first().textContent()).toContain(ALEX);
    expect(await row.locator('td.why').textContent()).toBe('Checking the import log');
    await row.getByRole('button', { name: 'End session' }).click();
    await page.getByRole('status').getByText('Session ended.').waitFor();
    expect(await page.locator('tr[data-session]').count()).toBe(0);

    expect((await introspect(given.product, started.body.token)).body).toEqual({ active: false });
    await context.close();
  });
});
