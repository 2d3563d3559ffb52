import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESK_POLICY } from '../src/http/desk/desk-security.js';
// The app first: see desk-settings.test.ts.
import { createTestContext, type TestContext } from './helpers/test-app.js';
import { launchChromium } from './helpers/chromium.js';
import { serveSignedInDesk, type DeskServer } from './helpers/desk-server.js';
import { adminApi, ADMIN_ENV } from './helpers/posts-fixtures.js';

const AXE = fileURLToPath(new URL('../node_modules/axe-core/axe.min.js', import.meta.url));
const PHONE = { viewport: { width: 375, height: 740 } };

let browser: Browser;
let t: TestContext;
let server: DeskServer | undefined;
let base: string;

beforeAll(async () => {
  [browser, t] = await Promise.all([launchChromium(), createTestContext({ env: ADMIN_ENV })]);
  server = await serveSignedInDesk(t);
  base = server.base;
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.close();
});

/** A page that records script errors and CSP violations (Chromium logs both as console errors). */
async function openPage(options: BrowserContextOptions = {}): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ ...PHONE, ...options });
  const problems: string[] = [];
  page.on('console', (m) => {
    // A 422 re-render or a missing favicon logs a failed load; CSP violations log otherwise.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return { page, problems };
}

// Strings: they run in the page, and this project's TypeScript has no DOM types.
const overflows = (page: Page) => page.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth') as Promise<boolean>;

async function seriousAxe(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const { violations } = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as { violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: string[] }> }> };
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('the desk settings in Chromium at 375 px', () => {
  it('work without JavaScript: save, refuse with the message by the field, create a key, revoke it', async () => {
    const { page, problems } = await openPage({ javaScriptEnabled: false });
    await page.goto(`${base}/admin/settings`);
    await page.getByLabel('Publication name').fill('The Quay Gazette');
    await page.getByLabel('Reply-to address').fill('letters@example.org');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    expect((await adminApi(t.app, 'GET', '/api/admin/settings')).body).toMatchObject({ name: 'The Quay Gazette', reply_to: 'letters@example.org' });

    await page.getByLabel('Sender address').fill('not an address');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Nothing was saved').waitFor();
    expect(await page.getByLabel('Sender address').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Sender address').inputValue()).toBe('not an address');
    expect(await overflows(page)).toBe(false);

    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Newsroom bot');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = await page.getByLabel('Key “Newsroom bot”').inputValue();
    expect(key).toMatch(/^bs_/);
    expect(await overflows(page)).toBe(false);
    await page.getByRole('link', { name: 'I have copied it' }).click();
    expect(await page.content()).not.toContain(key);

    await page.getByRole('link', { name: 'Revoke Newsroom bot' }).click();
    await page.getByRole('button', { name: 'Revoke key' }).click();
    await page.getByText('The key was revoked').waitFor();
    expect((await t.app.request('/api/admin/settings', { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
    expect(await overflows(page)).toBe(false);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('copy a new key with the Copy button when the script runs, under the CSP', async () => {
    const { page, problems } = await openPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    expect((await page.goto(`${base}/admin/settings/keys`))?.headers()['content-security-policy']).toBe(DESK_POLICY);
    await page.getByLabel('Name', { exact: true }).fill('Clipboard test');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = await page.getByLabel('Key “Clipboard test”').inputValue();
    await page.getByRole('button', { name: 'Copy key' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(key);
    expect(problems).toEqual([]);
    await page.close();
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`have no serious axe-core violation and no sideways scrolling, ${colorScheme} scheme`, async () => {
      // axe-core goes in as an inline script, which the desk's policy rightly refuses.
      const { page } = await openPage({ colorScheme, bypassCSP: true });
      const found: string[] = [];
      const judge = async (name: string) => {
        if (await overflows(page)) found.push(`${name}: scrolls sideways`);
        for (const v of await seriousAxe(page)) found.push(`${name}: ${v}`);
      };
      await page.goto(`${base}/admin/settings`);
      await judge('settings');
      await page.getByLabel('Publication name').fill('');
      await page.getByLabel('Public address').fill('ftp://example.com');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText('Nothing was saved').waitFor();
      await judge('settings refused');
      await page.goto(`${base}/admin/settings/keys`);
      await page.getByLabel('Name', { exact: true }).fill(`A key with a rather long name for a narrow screen, ${colorScheme}`);
      await page.getByRole('button', { name: 'Create key' }).click();
      // Judged once the answer has arrived, not while the old page is still on screen.
      await page.getByText('Copy it now: it will not be shown again.').waitFor();
      await judge('new key');
      await page.goto(`${base}/admin/settings/keys`);
      await judge('keys');
      await page.getByRole('link', { name: /^Revoke A key/ }).first().click();
      await judge('revoke confirmation');
      expect(found).toEqual([]);
      await page.close();
    }, 120_000);
  }
});
