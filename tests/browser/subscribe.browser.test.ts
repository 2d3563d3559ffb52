import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { launchChromium } from '../helpers/chromium.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';

let browser: Browser;
let server: ServerProcess;
let sink: SmtpSink;

beforeAll(async () => {
  browser = await launchChromium();
  sink = await startSmtpSink();
  server = await startServer({ env: { SMTP_URL: sink.url } });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop('SIGKILL');
  if (server) rmSync(server.dataDir, { recursive: true, force: true });
  await sink?.close();
});

/** A fresh connection to the server's database, as an operator's database shell would see it. */
async function subscriberStatus(email: string): Promise<string | undefined> {
  const db = openDatabase(server.databaseUrl);
  try {
    return (await db.selectFrom('subscribers').select('status').where('email_normalized', '=', email).executeTakeFirst())?.status;
  } finally {
    await db.destroy();
  }
}

/**
 * Opens a page that records script errors and console errors such as CSP violations, which a
 * test must not ignore. Chromium also logs every 4xx page load; statuses are asserted elsewhere.
 */
async function openPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return { page, problems };
}

function linkFrom(text: string, path: string): string {
  const match = text.match(new RegExp(`${server.url.replace(/\./g, '\\.')}${path}[^\\s\\]>"]+`));
  if (!match) throw new Error(`no ${path} link in the mail:\n${text}`);
  return match[0];
}

describe('a reader subscribes in a real browser', () => {
  it('fills the /subscribe form, opens the emailed link, confirms, and can leave again', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${server.url}/subscribe`);
    expect(await page.getByText('Discover more from Allycaral').count()).toBe(1);
    expect(await page.locator('h1').textContent()).toBe('Allycaral');
    expect(await page.getByText('Subscribe to get the latest posts sent to your email').count()).toBe(1);
    // The honeypot is in the form but placed where no person sees it.
    const honeypot = await page.locator('input[name="website"]').boundingBox();
    expect(honeypot!.x + honeypot!.width).toBeLessThan(0);

    await page.getByLabel('Email address').fill('Browser.Reader@Example.com');
    await Promise.all([page.waitForURL(`${server.url}/api/subscribe`), page.getByRole('button', { name: 'Subscribe' }).click()]);
    expect(await page.locator('h1').textContent()).toBe('Check your inbox');
    expect(await subscriberStatus('browser.reader@example.com')).toBe('pending');

    const [confirmation] = await sink.waitFor(1);
    expect(confirmation!.envelope.to).toEqual(['Browser.Reader@example.com']);
    const confirmUrl = linkFrom(confirmation!.parsed.text!, '/confirm/');
    await page.goto(confirmUrl);
    expect(await page.locator('h1').textContent()).toBe('Confirm your subscription to Allycaral');
    // Opening the link (as a mail scanner would) has confirmed nothing yet.
    expect(await subscriberStatus('browser.reader@example.com')).toBe('pending');

    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Confirm my subscription' }).click()]);
    await page.getByRole('heading', { name: 'You are subscribed' }).waitFor();
    expect(await subscriberStatus('browser.reader@example.com')).toBe('active');

    const [, welcome] = await sink.waitFor(2);
    expect(welcome!.parsed.subject).toBe('Welcome to Allycaral');
    await page.goto(linkFrom(welcome!.parsed.text!, '/unsubscribe/'));
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await page.getByRole('heading', { name: 'You are unsubscribed' }).waitFor();
    expect(await subscriberStatus('browser.reader@example.com')).toBe('unsubscribed');

    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows the error on the form page when the address is refused', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${server.url}/subscribe`);
    // The browser's own check would stop "a@b"; a server-side refusal must still read well.
    await page.getByLabel('Email address').fill('reader@localhost');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('not a valid address');
    expect(await page.getByLabel('Email address').inputValue()).toBe('reader@localhost');
    expect(await subscriberStatus('reader@localhost')).toBeUndefined();
    expect(problems).toEqual([]);
    await page.close();
  });
});
