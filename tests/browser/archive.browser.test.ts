import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium.js';
import { rmSync } from 'node:fs';
import { ADMIN, ADMIN_ENV } from '../helpers/posts-fixtures.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

let browser: Browser;
let server: ServerProcess;
let hostileSlug: string;

async function publish(post: Record<string, unknown>): Promise<{ slug: string }> {
  const headers = { ...ADMIN, 'content-type': 'application/json' };
  const created = await fetch(`${server.url}/api/admin/posts`, { method: 'POST', headers, body: JSON.stringify(post) });
  expect(created.status).toBe(201);
  const { id, slug } = (await created.json()) as { id: number; slug: string };
  const published = await fetch(`${server.url}/api/admin/posts/${id}/publish`, { method: 'POST', headers, body: JSON.stringify({ send: false }) });
  expect(published.status).toBe(202);
  return { slug };
}

const HOSTILE = [
  'Innocent paragraph.',
  '<script>window.__pwned = "script"</script>',
  '<img src="https://cdn.invalid/x.png" onerror="window.__pwned = \'onerror\'">',
  '<svg onload="window.__pwned = \'svg\'"><circle r="4"/></svg>',
  '<iframe src="javascript:parent.__pwned = \'iframe\'"></iframe>',
  '[click me](javascript:window.__pwned=\'link\')',
  '<a href="&#106;avascript:window.__pwned=\'entity\'">entity link</a>',
  '<p onmouseover="window.__pwned = \'hover\'">hover me</p>',
  '<scr<script>ipt>window.__pwned = "broken"</script>',
].join('\n\n');

beforeAll(async () => {
  [browser, server] = await Promise.all([launchChromium(), startServer({ env: { ...ADMIN_ENV, LOG_LEVEL: 'warn' } })]);
  await publish({ title: 'Morning at the harbour', author: 'Ann Editor', body: '## The boats\n\nThey came in **early** today.\n\n- nets\n- crates' });
  ({ slug: hostileSlug } = await publish({ title: 'Hostile <b>post</b>', body: HOSTILE }));
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (server) rmSync(server.dataDir, { recursive: true, force: true });
});

/** A phone-sized page that records script errors, CSP violations and dialogs. */
async function openPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 375, height: 740 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  return { page, problems };
}

// Expressions as strings: they run in the page, and this project's TypeScript has no DOM types.
const fitsThePhone = (page: Page) => page.evaluate('document.documentElement.scrollWidth <= window.innerWidth');

describe('the web archive in a real browser', () => {
  it('lists the posts and opens one, readable on a phone, with the subscribe form that works', async () => {
    const { page, problems } = await openPage();
    const archive = await page.goto(`${server.url}/posts`);
    expect(archive?.status()).toBe(200);
    expect(await page.locator('ol.posts h2').allTextContents()).toEqual(['Hostile <b>post</b>', 'Morning at the harbour']);
    expect(await fitsThePhone(page)).toBe(true);

    await page.getByRole('link', { name: 'Morning at the harbour' }).click();
    await page.waitForURL(`${server.url}/posts/morning-at-the-harbour`);
    expect(await page.title()).toBe('Morning at the harbour – Allycaral');
    expect(await page.locator('h1').textContent()).toBe('Morning at the harbour');
    expect(await page.locator('article h2').textContent()).toBe('The boats');
    expect(await page.locator('article strong').textContent()).toBe('early');
    expect(await page.locator('article li').allTextContents()).toEqual(['nets', 'crates']);
    expect(await page.locator('article header').textContent()).toContain('Ann Editor');
    expect(await fitsThePhone(page)).toBe(true);

    const email = page.getByLabel('Email address');
    expect(await email.isVisible()).toBe(true);
    await email.fill('reader@example.com');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.waitForURL(`${server.url}/api/subscribe`);
    expect(await page.locator('h1').textContent()).toBe('Check your inbox');
    expect(problems).toEqual([]);
  });

  it('runs nothing from a hostile post: no script, handler or javascript: link survives', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${server.url}/posts/${hostileSlug}`);
    expect(await page.locator('h1').textContent()).toBe('Hostile <b>post</b>');
    expect(await page.locator('article').textContent()).toContain('Innocent paragraph.');

    const article = page.locator('article');
    expect(await article.locator('script, iframe, svg, object, embed, form').count()).toBe(0);
    expect(await article.locator('xpath=//*[@*[starts-with(name(), "on")]]').count()).toBe(0);
    const links = article.locator('a');
    expect(await links.count()).toBe(2);
    for (const link of await links.all()) expect(await link.getAttribute('href')).toBeNull();

    // Give a would-be handler its chance: hover, click the links, wait for the image to fail.
    await page.getByText('hover me').hover();
    await page.getByText('click me').click();
    await page.getByText('entity link').click();
    await page.waitForTimeout(300);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(page.url()).toBe(`${server.url}/posts/${hostileSlug}`);
    // A CSP violation would mean something tried to run; there must be none.
    expect(problems).toEqual([]);
  });
});
