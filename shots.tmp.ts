import { launchBrowser } from './test/support/browser';
const base = 'http://localhost:4000';
const browser = await launchBrowser();
for (const [name, width] of [['laptop', 1280], ['phone', 390]] as const) {
  const page = await (await browser.newContext({ viewport: { width, height: 900 } })).newPage();
  await page.goto(base + '/');
  await page.getByLabel('Email').fill('admin@acme.test');
  await page.getByLabel('Password').fill('demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(base + '/');
  await page.goto(base + '/audit');
  await page.locator('details summary').first().click();
  await page.screenshot({ path: `/tmp/shots/audit-${name}.png`, fullPage: false });
}
await browser.close();
