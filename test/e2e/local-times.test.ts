import type { Browser } from 'playwright-core';
import { launchBrowser, signIn } from '../support/browser';
import { PortalClient } from '../support/clients';
import { givenOrg } from '../support/fixtures';

describe("the portal's script: local times and live countdowns (every page works without it)", () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  test("end times read in the reader's time zone with UTC kept on hover; time left counts down", async () => {
    const given = await givenOrg();
    const admin = await PortalClient.signIn(given.admin.email);
    expect((await admin.post('/grants', { durationHours: '0.05', scope: 'all' })).status).toBe(303);

    const withScript = await (await browser.newContext({ timezoneId: 'Asia/Tokyo', locale: 'en-GB' })).newPage();
    // The page's clock is Playwright's: the countdown is moved, not waited for.
    await withScript.clock.install();
    await signIn(withScript, given.admin.email);
    const ends = withScript.locator('tr[data-grant] time');
    expect(await ends.getAttribute('title')).toMatch(/UTC$/);
    expect(await ends.textContent()).toMatch(/GMT\+9|JST/);
    const left = withScript.locator('tr[data-grant] td.left');
    const first = (await left.textContent())!;
    await withScript.clock.runFor(2000);
    const later = (await left.textContent())!;
    expect(later).not.toBe(first);
    expect(later).toMatch(/^\d+ min \d+ s$/);

    const withoutScript = await (await browser.newContext({ timezoneId: 'Asia/Tokyo', javaScriptEnabled: false })).newPage();
    await signIn(withoutScript, given.admin.email);
    expect(await withoutScript.locator('tr[data-grant] time').textContent()).toMatch(/UTC$/);
  });
});
