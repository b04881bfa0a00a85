import type { Browser } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { launchBrowser, pageWidths, signIn } from '../support/browser';
import { eventually, givenOrg, layout, uniqueId, type GivenOrg } from '../support/fixtures';

const received = async (path: string): Promise<{ headers: Record<string, string>; body: string }[]> =>
  ((await (await fetch(`${layout.urls.webhooks}/api/received?path=${encodeURIComponent(path)}`)).json()) as { headers: Record<string, string>; body: string }[]).reverse();

describe('a customer admin adds a webhook in a real browser, sees its events, verifies them and redelivers one', () => {
  let browser: Browser;
  let given: GivenOrg;

  beforeAll(async () => {
    browser = await launchBrowser();
    given = await givenOrg();
  });
  afterAll(async () => {
    await browser?.close();
  });

  test.each([
    ['laptop', { width: 1280, height: 800 }],
    ['phone', { width: 375, height: 740 }],
  ])('on a %s', async (_label, viewport) => {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    const path = `/hooks/${uniqueId('browser')}`;
    await signIn(page, given.admin.email);

    await page.goto(`${layout.urls.portal}/settings`);
    await page.getByRole('link', { name: 'Manage webhooks' }).click();
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();

    // A bad URL: the form comes back with the field's error and what was typed.
    await page.getByLabel(/^URL/).fill('ftp://siem.example.com');
    await page.getByRole('button', { name: 'Add webhook' }).click();
    expect(await page.locator('#url-error').textContent()).toContain('The URL must start with https://.');
    expect(await page.getByLabel(/^URL/).inputValue()).toBe('ftp://siem.example.com');

    await page.getByLabel(/^URL/).fill(`${layout.urls.webhooks}${path}`);
    for (const type of ['support.activity', 'session.ended']) await page.getByRole('checkbox', { name: new RegExp(`^${type.replace('.', '\\.')}`) }).uncheck();
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await page.getByRole('heading', { name: 'Signing secret' }).waitFor();
    const secret = (await page.locator('#webhook-secret').textContent())!;
    expect(secret).toMatch(/^whsec_/);

    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByRole('status').getByText('Test event queued').waitFor();
    const [test] = await eventually('the test event at the receiver', async () => (await received(path)).length === 1 && received(path));
    expect(new Webhook(secret).verify(test!.body, test!.headers)).toMatchObject({ type: 'webhook.test', orgId: given.org.orgId });

    // The delivery log shows it; redeliver sends the same event again.
    const row = await eventually('the delivered row', async () => {
      await page.reload();
      const r = page.locator('#deliveries tbody tr').first();
      return (await r.count()) > 0 && (await r.textContent())!.includes("delivered") && r;
    });
    expect(await row.textContent()).toContain('webhook.test');
    expect(await page.locator('#secret').count()).toBe(0); // shown once only
    await row.getByRole('button', { name: 'Redeliver' }).click();
    await page.getByRole('status').getByText('Redelivery queued').waitFor();
    const both = await eventually('the redelivery', async () => (await received(path)).length === 2 && received(path));
    expect(both[1]!.headers['webhook-id']).toBe(both[0]!.headers['webhook-id']);

    // Turn it off: the status says so.
    await page.getByRole('checkbox', { name: /^On/ }).uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').getByText('Webhook saved.').waitFor();
    expect(await page.locator('#endpoint-status').textContent()).toBe('Off');

    const { scrollWidth, clientWidth } = await pageWidths(page);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await context.close();
  });
});
