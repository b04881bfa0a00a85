import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../infra/local/layout';
import { layout } from './fixtures';

/** Where the browser tests' Chromium comes from, in the order it is looked for. */
export type ChromiumSource = 'CHROMIUM_PATH' | 'debian' | 'npm';

/** `chromium` on the PATH (Debian's package puts it in /usr/bin), or undefined. */
function onPath(pathVariable = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVariable.split(delimiter).filter(Boolean)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

/**
 * The Chromium the browser tests drive: `CHROMIUM_PATH`, else Debian's `chromium` if installed,
 * else the build shipped in the `@sparticuz/chromium` devDependency (decompressed on first use),
 * so `npm ci && npm test` needs nothing the machine image lacks. `SA_CHROMIUM=npm` skips Debian's.
 */
export async function findChromium(): Promise<{ source: ChromiumSource; path: string }> {
  if (process.env.CHROMIUM_PATH) return { source: 'CHROMIUM_PATH', path: process.env.CHROMIUM_PATH };
  const debian = process.env.SA_CHROMIUM === 'npm' ? undefined : onPath();
  if (debian) return { source: 'debian', path: debian };
  const shipped = (await import('@sparticuz/chromium')).default;
  return { source: 'npm', path: await shipped.executablePath() };
}

let announced = false;

export async function launchBrowser(): Promise<Browser> {
  const { source, path } = await findChromium();
  if (!announced) {
    announced = true;
    process.stderr.write(`e2e: Chromium from ${source === 'npm' ? 'the @sparticuz/chromium npm package' : source === 'debian' ? "Debian's package" : 'CHROMIUM_PATH'} (${path})\n`);
  }
  return chromium.launch({
    executablePath: path,
    headless: true,
    // Root in a container: no sandbox; no background traffic on this closed network.
    args: ['--no-sandbox', '--no-zygote', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** The page's full width and the window's: equal when nothing scrolls sideways. */
export async function pageWidths(page: Page): Promise<{ scrollWidth: number; clientWidth: number }> {
  return page.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth };
  });
}

/** Fills in the local customer IdP's sign-in form (the page a portal sign-in redirects to). */
export async function fillSignIn(page: Page, email: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs in through the real portal → OIDC provider → portal redirect chain. */
export async function signIn(page: Page, email: string) {
  await page.goto(`${layout.urls.portal}/`);
  await fillSignIn(page, email);
  await page.waitForURL(`${layout.urls.portal}/`);
}
