import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium.js';
import { receiveEveryKind, setUpPublication } from '../helpers/mail-kinds.js';
import { photoPng } from '../helpers/png.js';
import { ADMIN_ENV } from '../helpers/posts-fixtures.js';
import { createTestContext, manualClock, type TestContext } from '../helpers/test-app.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const PHOTO_URL = 'https://news.example.com/img/harbour.png';

let browser: Browser;
let t: TestContext;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => browser?.close());
afterEach(async () => t?.close());

const PARAGRAPH = 'The boats came in early, the nets were full and the quay smelled of diesel and salt.';
const PHOTO_POST = {
  title: 'Morning at the harbour',
  author: 'Ann Editor',
  excerpt: 'Photos from the quay',
  body: [PARAGRAPH, '![The harbour at dawn](/img/harbour.png)', `${PARAGRAPH} ${PARAGRAPH}`, 'See [the archive](/posts) for more.'].join('\n\n'),
};

/**
 * A page showing one mail's HTML as a mail client would, at a given width. Nothing leaves the
 * machine: the photo is answered from memory and every other request is refused.
 */
async function openMail(html: string, width: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 800 } });
  const photo = photoPng(1600, 1067);
  await page.route('**/*', (route) =>
    route.request().url() === PHOTO_URL ? route.fulfill({ status: 200, contentType: 'image/png', body: photo }) : route.abort(),
  );
  await page.setContent(html, { waitUntil: 'load' });
  return page;
}

// Run in the page as strings: this project's TypeScript has no DOM types.
const LAYOUT = `(() => {
  const img = document.querySelector('img[alt="The harbour at dawn"]');
  if (!img) return { photo: 'missing from the mail' };
  const column = img.closest('div');
  const button = [...document.querySelectorAll('a')].find((a) => a.textContent.trim() === 'Read on the web');
  button.scrollIntoView({ block: 'center' });
  const box = button.getBoundingClientRect();
  const atButton = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return {
    scrollWidth: document.documentElement.scrollWidth,
    naturalWidth: img.naturalWidth,
    imageWidth: img.getBoundingClientRect().width,
    columnWidth: column.getBoundingClientRect().width,
    buttonInView: box.left >= 0 && box.right <= window.innerWidth && box.width > 0 && button.contains(atButton),
    clippedParagraphs: [...column.querySelectorAll('p')].filter((p) => p.getBoundingClientRect().right > window.innerWidth || p.scrollWidth > p.clientWidth).length,
  };
})()`;

describe('mail in a real browser', () => {
  it('scales a 1600-px photo to the column at 375 and 1024 px, with every paragraph and "Read on the web" in view', async () => {
    // A fixed clock keeps the byline's date, and so the committed screenshots, the same every run.
    t = await createTestContext({ env: ADMIN_ENV, clock: manualClock() });
    await setUpPublication(t);
    const { post } = await receiveEveryKind(t, PHOTO_POST);
    const html = post.parsed.html as string;

    for (const width of [375, 1024]) {
      const page = await openMail(html, width);
      const layout = (await page.evaluate(LAYOUT)) as Record<string, number | boolean>;
      expect(layout.photo, 'the photo').toBeUndefined();
      expect(layout.naturalWidth, 'the photo loaded').toBe(1600);
      expect(layout, `layout at ${width} px`).toMatchObject({ buttonInView: true, clippedParagraphs: 0 });
      expect(layout.scrollWidth, `page width at ${width} px`).toBeLessThanOrEqual(width);
      expect(layout.imageWidth, `photo width at ${width} px`).toBeLessThanOrEqual(layout.columnWidth as number);
      await page.screenshot({ path: `${SCREENSHOTS}mail-photo-${width}.png`, fullPage: true });
      await page.close();
    }
  });

  it('has no serious or critical axe-core violation in any kind of mail', async () => {
    t = await createTestContext({ env: ADMIN_ENV });
    await setUpPublication(t);
    const mails = await receiveEveryKind(t, { ...PHOTO_POST, body: `# In the body\n\n${PHOTO_POST.body}\n\n| Port | Boats |\n|---|---|\n| Howth | 12 |` });

    for (const [kind, mail] of Object.entries(mails)) {
      const page = await openMail(mail.parsed.html as string, 375);
      await page.addScriptTag({ path: AXE });
      const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ') + ': ' + n.failureSummary) })))`)) as unknown[];
      expect(violations, `${kind} mail`).toEqual([]);
      await page.close();
    }
  });
});
