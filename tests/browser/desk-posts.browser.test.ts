import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium.js';
import { serveSignedInDesk, type DeskServer } from '../helpers/desk-server.js';
import { ADMIN_ENV, adminApi } from '../helpers/posts-fixtures.js';
import { addSubscriber } from '../helpers/subscriber-fixtures.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

const AXE = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url));

let browser: Browser;
let t: TestContext;
let server: DeskServer | undefined;
let base: string;
let postId: number;

beforeAll(async () => {
  [browser, t] = await Promise.all([launchChromium(), createTestContext({ env: ADMIN_ENV })]);
  await addSubscriber(t.app, 'reader@example.com');
  const created = await adminApi(t.app, 'POST', '/api/admin/posts', { title: 'A day at the quay', excerpt: 'Boats', body: '# Harbour\n\nThe tide was [early](https://example.org).' });
  postId = created.body.id;
  server = await serveSignedInDesk(t);
  base = server.base;
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.close();
});

/** A page that records script errors and CSP violations (Chromium logs both as console errors). */
async function openPage(options: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark'; bypassCSP?: boolean } = {}) {
  const page = await browser.newPage(options);
  const problems: string[] = [];
  page.on('console', (m) => {
    // Failed loads are judged by their address below, not by the console's anonymous line.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`);
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return { page, problems };
}

const frameShowing = (page: Page, path: string) => page.frames().find((f) => f.url().endsWith(path));

describe('the post editor in Chromium', () => {
  it('autosaves a draft and reloads its previews, at phone width, without breaking the CSP', async () => {
    const { page, problems } = await openPage({ viewport: { width: 375, height: 800 } });
    expect((await page.goto(`${base}/admin/posts/${postId}`))?.status()).toBe(200);
    await page.waitForLoadState('load');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    const email = frameShowing(page, `/admin/posts/${postId}/preview/email`);
    expect(await email?.content()).toContain('Harbour');

    expect(await page.inputValue('#post-body')).toBe('# Harbour\n\nThe tide was [early](https://example.org).');
    await page.fill('#post-body', '# Harbour\n\nThe boats came in *late* today.');
    await page.getByText('Draft saved.').waitFor({ timeout: 10_000 });
    expect((await adminApi(t.app, 'GET', `/api/admin/posts/${postId}`)).body.body).toContain('late');
    await expect.poll(async () => (await frameShowing(page, `/admin/posts/${postId}/preview/web`)?.content()) ?? '', { timeout: 10_000 }).toContain('<em>late</em>');
    await expect.poll(async () => (await frameShowing(page, `/admin/posts/${postId}/preview/email`)?.content()) ?? '', { timeout: 10_000 }).toContain('late');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  for (const scheme of ['light', 'dark'] as const) {
    it(`has no serious or critical axe-core violation on the list, editor and confirmation, ${scheme} scheme`, async () => {
      // axe-core is injected as an inline script, which the desk's policy rightly refuses.
      const { page } = await openPage({ colorScheme: scheme, bypassCSP: true });
      const serious: string[] = [];
      const visit = async (name: string, go: () => Promise<unknown>) => {
        await go();
        await page.addScriptTag({ path: AXE });
        const { violations } = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as {
          violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: string[] }> }>;
        };
        for (const v of violations) if (v.impact === 'serious' || v.impact === 'critical') serious.push(`${name}: ${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      };
      await visit('list', () => page.goto(`${base}/admin/posts`));
      await visit('new', () => page.goto(`${base}/admin/posts/new`));
      await visit('editor', () => page.goto(`${base}/admin/posts/${postId}`));
      await visit('confirm', async () => {
        await page.goto(`${base}/admin/posts/${postId}`);
        await page.getByRole('button', { name: 'Publish…' }).click();
        await page.getByRole('button', { name: 'Publish and send to 1 reader' }).waitFor();
      });
      expect(serious).toEqual([]);
      await page.close();
    }, 120_000);
  }
});
