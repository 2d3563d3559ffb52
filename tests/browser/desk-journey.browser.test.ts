import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium.js';
import { photoPng } from '../helpers/png.js';
import { productionServerCommand, ROOT, startServer, type ServerProcess } from '../helpers/server-process.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { testDatabaseEnv } from '../helpers/test-database.js';

/**
 * A new editor's first day at the desk, in headless Chromium against the real built server
 * (`npm start`'s command, dist/, so `npm run build` first) with its own DATA_DIR, mailing a real
 * SMTP server started here; the owner comes from the built CLI's `users create` on the same data.
 */

const AXE = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url));
const SCREENSHOTS = join(ROOT, 'docs/screenshots');
const OWNER = 'owner@example.com';
const PASSWORD = 'a quay, some gulls and the early tide';
const TITLE = 'Morning at the quay';
// An https address the browser context answers from memory: nothing leaves the machine.
const PHOTO_URL = 'https://photos.example.com/harbour-at-dawn.png';
const READERS = 50;
const BY_FORM = 3;

let browser: Browser;
let sink: SmtpSink;
let server: ServerProcess;
let dataDir: string;

/** The built CLI (`npm run cli`) on the server's data. */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const full = { PATH: process.env.PATH ?? '', ...env, ...testDatabaseEnv(env) };
  return new Promise((resolve) => {
    execFile(process.execPath, ['dist/src/cli.js', ...args], { cwd: ROOT, env: full, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/src/server.js')) || !existsSync(join(ROOT, 'dist/src/cli.js'))) throw new Error('The journey runs the built server and CLI: `npm run build` first');
  dataDir = mkdtempSync(join(tmpdir(), 'broadsheet-journey-'));
  [browser, sink] = await Promise.all([launchChromium(), startSmtpSink()]);
  server = await startServer({
    dataDir,
    command: productionServerCommand(),
    // A paced send (50 readers at 20 a second) keeps the send page open while it runs.
    env: { SMTP_URL: sink.url, WORKER_POLL_MS: '50', SEND_RATE_PER_SECOND: '20', LOG_LEVEL: 'warn', PUBLICATION_NAME: 'The Quay Gazette' },
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await sink?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

interface Violation {
  id: string;
  impact: string | null;
  nodes: Array<{ target: string[] }>;
}

describe('the desk, a new editor’s journey in Chromium against the built server', () => {
  it('owner from the CLI, post with a photo, previews, test mail, 50 readers, a send to done, erasure; axe clean in both schemes', async () => {
    const base = server.url;
    const context: BrowserContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true, colorScheme: 'light' });
    const photo = photoPng(1600, 1067);
    await context.route(PHOTO_URL, (route) => route.fulfill({ status: 200, contentType: 'image/png', body: photo }));
    const page: Page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 500) problems.push(`${r.status()} ${r.url()}`);
    });

    // axe-core on the page as it stands, in the light scheme and then the dark one.
    const findings: string[] = [];
    const visited: string[] = [];
    const axe = async (name: string) => {
      visited.push(name);
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.addScriptTag({ path: AXE });
        const { violations } = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as { violations: Violation[] };
        for (const v of violations) {
          if (v.impact === 'serious' || v.impact === 'critical') findings.push(`${name} (${scheme}): ${v.id} [${v.impact}] at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        }
      }
      await page.emulateMedia({ colorScheme: 'light' });
    };

    // 1. The owner, from the CLI; their link, a password, the sign-in form.
    const created = await cli(['users', 'create', OWNER], { DATA_DIR: dataDir, PUBLIC_URL: base, LOG_LEVEL: 'silent' });
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const link = created.stdout.match(/^http:\/\/127\.0\.0\.1:\d+\/admin\/set-password\/[A-Za-z0-9_-]+$/m)?.[0];
    expect(link, created.stdout).toBeDefined();
    expect((await page.goto(link!))?.status()).toBe(200);
    await axe('set-password');
    await page.getByLabel('New password').fill(PASSWORD);
    await page.getByLabel('The same password again').fill(PASSWORD);
    await page.getByRole('button', { name: 'Set my password' }).click();
    await page.waitForURL(/\/admin\/sign-in/);
    await axe('sign-in');
    await page.getByLabel('Email address').fill(OWNER);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/admin`);
    await axe('dashboard');

    // 2. A post with a heading, a link and a large photo, written in the editor.
    await page.goto(`${base}/admin/posts`);
    await axe('posts list');
    await page.goto(`${base}/admin/posts/new`);
    await page.getByLabel('Title', { exact: true }).fill(TITLE);
    await page
      .getByLabel('Body (Markdown)')
      .fill(`# The boats came in early\n\nThe tide turned before six; see [the harbour log](https://example.org/log).\n\n![The harbour at dawn](${PHOTO_URL})\n\nGulls, nets and coffee.`);
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL(/\/admin\/posts\/\d+\?done=created$/);
    const postPath = new URL(page.url()).pathname;
    const phone = page.locator('iframe.preview-phone');
    await phone.waitFor();
    await page.waitForLoadState('load');
    await axe('editor');

    // 3. The email at phone width: no sideways scrolling, the photo within the column.
    const frame = await (await phone.elementHandle())!.contentFrame();
    expect(frame).not.toBeNull();
    await frame!.waitForSelector('img[alt="The harbour at dawn"]');
    await expect
      .poll(() => frame!.evaluate('document.querySelector(\'img[alt="The harbour at dawn"]\').naturalWidth') as Promise<number>, { timeout: 10_000 })
      .toBe(1600);
    const layout = (await frame!.evaluate(`(() => {
      const img = document.querySelector('img[alt="The harbour at dawn"]');
      return {
        frameWidth: window.innerWidth,
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
        imageWidth: img.getBoundingClientRect().width,
        heading: document.body.textContent.includes('The boats came in early'),
      };
    })()`)) as { frameWidth: number; scrollWidth: number; clientWidth: number; imageWidth: number; heading: boolean };
    expect(layout.frameWidth).toBeLessThanOrEqual(375);
    expect(layout.heading).toBe(true);
    expect(layout.scrollWidth, JSON.stringify(layout)).toBeLessThanOrEqual(layout.clientWidth);
    expect(layout.imageWidth, JSON.stringify(layout)).toBeGreaterThan(0);
    expect(layout.imageWidth, JSON.stringify(layout)).toBeLessThanOrEqual(layout.frameWidth);
    mkdirSync(SCREENSHOTS, { recursive: true });
    // The previews are frames of their own (sandboxed, so another process): Chromium paints
    // them only on screen, so the whole editor goes on screen at once before the picture.
    const height = (await page.evaluate('document.documentElement.scrollHeight')) as number;
    await page.setViewportSize({ width: 1280, height });
    await page.waitForTimeout(1000);
    await page.screenshot({ path: join(SCREENSHOTS, 'desk-editor.png') });
    await page.setViewportSize({ width: 1280, height: 900 });

    // 4. A test to the owner, on the SMTP server.
    await page.getByRole('button', { name: 'Send me a test' }).click();
    await page.getByText(`Test sent to ${OWNER}.`).waitFor({ timeout: 15_000 });
    const [test] = await sink.waitFor(1, 15_000);
    // Marked as a test, as the product does for every test copy.
    expect(test!.parsed.subject).toBe(`[Test] ${TITLE}`);
    expect(test!.parsed.to && !Array.isArray(test!.parsed.to) ? test!.parsed.to.value.map((a) => a.address) : []).toEqual([OWNER]);
    expect(test!.envelope.to).toEqual([OWNER]);

    // 5. Fifty active readers: a few through the add form, the rest by CSV import.
    const readers = Array.from({ length: READERS }, (_, i) => `reader${String(i + 1).padStart(2, '0')}@example.com`);
    for (const email of readers.slice(0, BY_FORM)) {
      await page.goto(`${base}/admin/subscribers/new`);
      await page.getByLabel('Email address').fill(email);
      await page.check('#status-active');
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await page.waitForURL(/\/admin\/subscribers\/\d+\?done=created$/);
    }
    await page.goto(`${base}/admin/subscribers/import`);
    await axe('import');
    const csv = ['email,name', ...readers.slice(BY_FORM).map((email, i) => `${email},Reader ${i + BY_FORM + 1}`)].join('\n') + '\n';
    await page.setInputFiles('#file', { name: 'readers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByRole('heading', { name: 'Import finished' }).waitFor({ timeout: 20_000 });
    await page.goto(`${base}/admin/subscribers?status=active`);
    await axe('subscribers list');

    await page.goto(`${base}${postPath}`);
    await page.getByRole('button', { name: 'Publish…' }).click();
    const publish = page.getByRole('button', { name: `Publish and send to ${READERS} readers` });
    await publish.waitFor({ timeout: 10_000 });
    await axe('publish confirmation');
    await publish.click();
    await page.waitForURL(/\/admin\/sends\/\d+$/);
    const sendUrl = page.url();
    let navigations = 0;
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) navigations++;
    });
    // The counts move without a reload (the page's script polls progress.json).
    const status = page.locator('[data-field="status"]');
    const sentAtLoad = Number(await page.locator('[data-count="sent"]').textContent());
    expect(await status.textContent()).not.toBe('done');
    expect(sentAtLoad).toBeLessThan(READERS);
    await expect.poll(() => status.textContent(), { timeout: 60_000, interval: 250 }).toBe('done');
    expect(page.url()).toBe(sendUrl);
    await expect.poll(() => page.locator('[data-count="sent"]').textContent(), { timeout: 10_000 }).toBe(String(READERS));
    expect(await page.locator('[data-field="handled"]').textContent()).toBe(String(READERS));
    expect(navigations, 'the send page reloaded instead of updating in place').toBe(0);
    await axe('send page');
    // Reloaded, as its notice asks, for the final details (finish time, rate) in the picture.
    await page.reload();
    expect(await status.textContent()).toBe('done');
    expect(await page.locator('[data-count="sent"]').textContent()).toBe(String(READERS));
    await page.screenshot({ path: join(SCREENSHOTS, 'desk-send.png'), fullPage: true });
    const all = await sink.waitFor(1 + READERS, 30_000);
    expect(new Set(all.slice(1).flatMap((m) => m.envelope.to))).toEqual(new Set(readers));
    expect(all.slice(1).every((m) => m.parsed.subject === TITLE)).toBe(true);

    await page.goto(`${base}/admin`);
    await page.waitForLoadState('load');
    await page.screenshot({ path: join(SCREENSHOTS, 'desk-dashboard.png'), fullPage: true });

    // 6. One reader: found, their page lists the send, erased through the confirmation, gone.
    const chosen = readers[7]!;
    await page.goto(`${base}/admin/subscribers`);
    await page.getByLabel('Address or name contains').fill(chosen);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: chosen, exact: true }).click();
    await page.waitForURL(/\/admin\/subscribers\/\d+$/);
    const row = page.getByRole('row').filter({ hasText: TITLE });
    await expect.poll(() => row.count()).toBe(1);
    expect((await row.getByRole('cell').nth(1).textContent())?.trim()).toBe('sent');
    await axe('reader page');
    await page.getByRole('link', { name: 'Erase this reader…' }).click();
    await page.waitForURL(/\/erase$/);
    await axe('erase confirmation');
    await page.getByRole('button', { name: 'Erase this reader' }).click();
    await page.waitForURL(/\/admin\/subscribers\?done=erased$/);
    await page.getByText('The reader was erased.').waitFor();
    await page.getByLabel('Address or name contains').fill(chosen);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No reader matches this search.').waitFor();
    expect(await page.getByRole('link', { name: chosen }).count()).toBe(0);

    // 7. The rest of the desk's pages.
    for (const [name, path] of [
      ['suppressions', '/admin/suppressions'],
      ['settings', '/admin/settings'],
      ['keys', '/admin/settings/keys'],
      ['account', '/admin/account'],
    ] as const) {
      expect((await page.goto(`${base}${path}`))?.status(), path).toBe(200);
      await axe(name);
    }

    expect(visited).toHaveLength(15);
    expect(findings).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);
});
