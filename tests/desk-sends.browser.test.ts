import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/chromium.js';
import { serveSignedInDesk, type DeskServer } from './helpers/desk-server.js';
import { adminApi, ADMIN_ENV } from './helpers/posts-fixtures.js';
import { publishWithSend, seedActiveReaders } from './helpers/sending-fixtures.js';
import { createTestContext, type TestContext } from './helpers/test-app.js';

const AXE = fileURLToPath(new URL('../node_modules/axe-core/axe.min.js', import.meta.url));

let browser: Browser;
let t: TestContext | undefined;
let server: DeskServer | undefined;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => browser?.close());
afterEach(async () => {
  await server?.close();
  await t?.close();
  server = t = undefined;
});

async function serveDesk(context: TestContext): Promise<string> {
  server = await serveSignedInDesk(context);
  return server.base;
}

/** A page that records script errors and CSP violations (Chromium logs both as console errors). */
async function openPage(options: { colorScheme?: 'light' | 'dark'; bypassCSP?: boolean } = {}) {
  const page = await browser.newPage({ viewport: { width: 375, height: 740 }, ...options });
  const problems: string[] = [];
  // Failed requests are judged by their address (the favicon is not the desk's); the rest as logged.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`);
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return { page, problems };
}

const text = (page: Page, selector: string) => page.locator(selector).first().textContent();

describe('a send page in Chromium', () => {
  it('follows a running send live, under the desk CSP, until it is done', async () => {
    // Five messages a second: the send lasts a few polls.
    t = await createTestContext({ env: { ...ADMIN_ENV, SEND_RATE_PER_SECOND: '5' } });
    await seedActiveReaders(t.deps, 15);
    const { body } = await publishWithSend(t.app, { title: 'Live', body: 'x' });
    const base = await serveDesk(t);
    const { page, problems } = await openPage();
    await page.goto(`${base}/admin/sends/${body.send.id}`);
    expect(await text(page, '[data-count="sent"]')).toBe('0');
    t.startWorker();

    const seen = new Set<string>();
    for (let i = 0; i < 60 && (await text(page, '[data-field="status"]')) !== 'done'; i++) {
      seen.add((await text(page, '[data-count="sent"]'))!);
      await page.waitForTimeout(250);
    }
    expect(await text(page, '[data-field="status"]')).toBe('done');
    expect(await text(page, '[data-count="sent"]')).toBe('15');
    expect(await text(page, '[data-count="pending"]')).toBe('0');
    expect(await page.evaluate('[document.querySelector("progress").value, document.querySelector("progress").max]')).toEqual([15, 15]);
    // Counts were seen moving in between, not only at the end.
    expect([...seen].some((n) => n !== '0' && n !== '15')).toBe(true);
    // The controls drawn for a queued send no longer apply: a reload link replaces them.
    expect(await page.locator('[data-controls]').isHidden()).toBe(true);
    expect(await page.locator('[data-stale]').isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('asks before cancelling, and cancels once confirmed', async () => {
    t = await createTestContext({ env: ADMIN_ENV });
    await seedActiveReaders(t.deps, 2);
    const { body } = await publishWithSend(t.app, { title: 'Maybe', body: 'x' });
    const base = await serveDesk(t);
    const { page, problems } = await openPage();
    await page.goto(`${base}/admin/sends/${body.send.id}`);
    const cancel = page.getByRole('button', { name: 'Cancel this send for good' });

    page.once('dialog', (d) => void d.dismiss());
    await cancel.click();
    await page.waitForTimeout(200);
    expect((await adminApi(t.app, 'GET', `/api/admin/sends/${body.send.id}`)).body.status).toBe('queued');

    page.once('dialog', (d) => void d.accept());
    await Promise.all([page.waitForURL(/done=cancel/), cancel.click()]);
    expect((await adminApi(t.app, 'GET', `/api/admin/sends/${body.send.id}`)).body.status).toBe('cancelled');
    expect(await page.getByRole('status').textContent()).toContain('Cancelled');
    expect(problems).toEqual([]);
    await page.close();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`has no serious axe-core violation and fits 375 px, ${scheme} scheme`, async () => {
      t = await createTestContext({ env: ADMIN_ENV, smtp: { onRecipient: (a) => (a === 'reader1@example.com' ? { code: 550, message: '5.1.1 No such user' } : undefined) } });
      await seedActiveReaders(t.deps, 3);
      const { body } = await publishWithSend(t.app, { title: 'Checked', body: 'x' });
      await t.drain();
      await publishWithSend(t.app, { title: 'Still queued', body: 'x' });
      const base = await serveDesk(t);
      // axe-core is injected as an inline script, which the desk's policy rightly refuses.
      const { page } = await openPage({ colorScheme: scheme, bypassCSP: true });
      const serious: string[] = [];
      for (const path of ['/admin', '/admin/sends', `/admin/sends/${body.send.id}`, `/admin/sends/${body.send.id + 1}`]) {
        await page.goto(base + path);
        await page.addScriptTag({ path: AXE });
        const result = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as { violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: string[] }> }> };
        for (const v of result.violations) if (v.impact === 'serious' || v.impact === 'critical') serious.push(`${path}: ${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        // Wide tables scroll inside their .table-wrap; the page itself does not.
        expect(await page.evaluate('document.documentElement.scrollWidth'), path).toBeLessThanOrEqual(375);
      }
      expect(serious).toEqual([]);
      await page.close();
    }, 120_000);
  }
});
