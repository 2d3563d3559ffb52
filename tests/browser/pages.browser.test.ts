import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium.js';
import { ADMIN_ENV } from '../helpers/posts-fixtures.js';
import { publicPages, type PublicPage } from '../helpers/public-pages.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

const AXE = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url));

let browser: Browser;
let t: TestContext;
let server: ReturnType<typeof serve>;
let base: string;
let pages: PublicPage[];

beforeAll(async () => {
  [browser, t] = await Promise.all([launchChromium(), createTestContext({ env: ADMIN_ENV })]);
  pages = await publicPages(t.app, t.deps);
  await new Promise<void>((resolve) => {
    server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      base = `http://127.0.0.1:${info.port}`;
      resolve();
    });
  });
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await t?.close();
});

/** A page that records script errors and CSP violations (Chromium logs both as console errors). */
async function openPage(options: { colorScheme?: 'light' | 'dark'; bypassCSP?: boolean } = {}): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage(options);
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return { page, problems };
}

/** Opens the page as a reader does: a link, or a real form post from a blank page. */
async function visit(page: Page, p: PublicPage): Promise<number | undefined> {
  if (!p.form) return (await page.goto(base + p.path))?.status();
  await page.goto('about:blank');
  const answer = page.waitForResponse((r) => r.url() === base + p.path && r.request().method() === 'POST');
  // A string: it runs in the page, and this project's TypeScript has no DOM types.
  await page.evaluate(`(() => {
    const form = document.createElement('form');
    form.method = 'post';
    form.action = ${JSON.stringify(base + p.path)};
    for (const [name, value] of Object.entries(${JSON.stringify(p.form)})) {
      const input = document.createElement('input');
      input.name = name;
      input.value = value;
      form.append(input);
    }
    document.body.append(form);
    form.submit();
  })()`);
  await page.waitForURL(base + p.path);
  return (await answer).status();
}

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: Array<{ target: string[] }>;
}

async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE });
  const result = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as { violations: AxeViolation[] };
  return result.violations;
}

describe('every public page in Chromium', () => {
  it('renders in standards mode', async () => {
    const { page } = await openPage();
    for (const p of pages) {
      expect(await visit(page, p), p.name).toBe(p.status);
      expect(await page.evaluate('document.compatMode'), p.name).toBe('CSS1Compat');
    }
    await page.close();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`has no serious or critical axe-core violation, ${scheme} scheme`, async () => {
      // axe-core is injected as an inline script, which the pages' own policy rightly refuses.
      const { page } = await openPage({ colorScheme: scheme, bypassCSP: true });
      const serious: string[] = [];
      const counts: Record<string, number> = {};
      for (const p of pages) {
        await visit(page, p);
        // /docs is Swagger UI: judge what it renders, not its empty container.
        if (p.path === '/docs') await page.getByText('/api/subscribe').first().waitFor();
        const violations = await axeViolations(page);
        counts[p.name] = violations.length;
        for (const v of violations) {
          if (v.impact === 'serious' || v.impact === 'critical') serious.push(`${p.name}: ${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        }
      }
      console.log(`axe-core, ${scheme}: ${pages.length} pages, violations of any impact per page:`, counts);
      expect(serious).toEqual([]);
      await page.close();
      // axe-core takes one to two seconds a page on a shared two-core machine.
    }, 180_000);
  }
});

describe('GET /docs in Chromium', () => {
  it('renders the operations from same-origin Swagger UI with no CSP violation', async () => {
    const { page, problems } = await openPage();
    const outside: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith('data:')) outside.push(r.url());
    });
    await page.goto(`${base}/docs`);
    await page.locator('.opblock-summary-path', { hasText: /^\/api\/subscribe$/ }).waitFor();
    expect(await page.locator('.opblock-post .opblock-summary-path').allTextContents()).toContain('/api/subscribe');
    expect(await page.locator('.opblock').count()).toBeGreaterThan(20);
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
