import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mjml2html from 'mjml';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPILED_TEMPLATES_MODULE, generateCompiledTemplates, REGENERATE } from '../scripts/compile-templates.js';
import { TEMPLATES_DIR } from '../src/paths.js';
import { renderMarkdown } from '../src/posts/render-markdown.js';
import { createPrecompiledRenderer } from '../src/render/precompiled-renderer.js';
import { createRenderer, type CompiledMail, type Renderer } from '../src/render/renderer.js';
import { mailText } from '../src/render/text-part.js';
import { renderPostMail } from '../src/sending/prepare-send.js';
import type { Settings } from '../src/settings/settings.js';
import { spawnEntry } from './helpers/server-process.js';

const source = (name: string) => readFile(join(TEMPLATES_DIR, `${name}.mjml`), 'utf8');

/** How mail was compiled at commit 5582fbd: MJML over the layout with the content put in. */
async function compileAsBefore(content: string): Promise<CompiledMail> {
  const mjml = (await source('layout')).replace('{{> content}}', () => content);
  const { html } = await mjml2html(mjml, { validationLevel: 'strict', keepComments: false });
  return { html, text: mailText(html) };
}

/** The old algorithm behind the Renderer interface: the slots filled in the MJML source, then MJML per post. */
const perPostMjml: Renderer = {
  template: async (name) => compileAsBefore(await source(name)),
  async fill(name, slots) {
    let content = await source(name);
    for (const [slot, value] of Object.entries(slots)) content = content.replace(`{{> ${slot}}}`, () => value);
    return compileAsBefore(content);
  },
};

const onNode = createRenderer(TEMPLATES_DIR);
const precompiled = createPrecompiledRenderer();

const settings: Settings = {
  name: 'The Quay Gazette',
  description: 'News from the harbour',
  sender_name: 'The Quay Gazette',
  sender_email: 'news@example.com',
  reply_to: '',
  postal_address: '1 Harbour Road, Howth',
  public_url: 'https://news.example.com',
  language: 'en',
};

interface Case {
  title: string;
  author: string | null;
  published_at: string | null;
  body_html: string;
}

const fromMarkdown = (title: string, markdown: string): Case => ({ title, author: 'Ann Editor', published_at: '2026-03-14T09:30:00.000Z', body_html: renderMarkdown(markdown) });

const longMarkdown = Array.from({ length: 400 }, (_, i) => `Paragraph ${i}: the [tide table ${i}](/tides/${i}) for the week, with *emphasis* and \`code ${i}\`.`).join('\n\n');

const CASES: Record<string, Case> = {
  headings: fromMarkdown('Spring issue', '# A heading that becomes h2\n\nSome text.\n\n## And a smaller one\n\n### And smaller still'),
  links: fromMarkdown('Links', 'See [the archive](/posts), [the notes](#notes), <https://example.org/a?b=1&c=2> and [a mail](mailto:ann@example.com).'),
  images: fromMarkdown('Pictures', '![A crate of mackerel](/img/crate.png)\n\n<img src="https://cdn.example.org/wide.jpg" alt="Wide" width="1600" height="1067">\n\n![](/img/decorative.png)'),
  unicode: fromMarkdown('Dún Laoghaire — “quoted” 日本語 🐟', 'Ça va ? Grüße aus Köln, ünïcødé, emoji 🐟🦀, RTL שלום, and a non\u00a0breaking space.'),
  placeholders: fromMarkdown('About {{name}} and {{> body}}', 'Write {{name}}, {{ email }}, {{> title}}, {<b></b>{unsubscribe_url}} and [[name]] in your own templates.'),
  tablesAndCode: fromMarkdown('Landings', '| Port | Boats |\n|---|---|\n| Howth | 12 |\n\n```\n' + 'x'.repeat(200) + '\n```\n\n> A quote'),
  long: fromMarkdown('A very long issue', longMarkdown),
  // MJML trims an mj-text's content: a body or byline starting or ending in whitespace.
  edgeWhitespace: { title: ' Spaced title ', author: ' Ann ', published_at: null, body_html: ' \n\u00a0<p>Edges</p>\n\u2003\n' },
  noByline: { title: 'Anonymous', author: null, published_at: null, body_html: '<p>No author, no date.</p>\n' },
};

describe('post mail from the precompiled templates', () => {
  for (const [label, c] of Object.entries(CASES)) {
    it(`is byte for byte the mail compiled per post, HTML and text (${label})`, async () => {
      const post = { slug: `post-${label}`, excerpt: 'What is new on the quay', ...c };
      const before = await renderPostMail(perPostMjml, settings, post, 'The subject');
      expect(before.html).toContain(`href="https://news.example.com/posts/post-${label}"`);
      expect(await renderPostMail(onNode, settings, post, 'The subject')).toEqual(before);
      expect(await renderPostMail(precompiled, settings, post, 'The subject')).toEqual(before);
    });
  }

  it('keeps the post between its slots: title, byline and body all reach the HTML and text', async () => {
    const post = { slug: 'spring', excerpt: null, ...CASES.links! };
    const { html, text } = await renderPostMail(precompiled, settings, post, 'Spring');
    expect(html).toContain('>Links</h1>');
    expect(html).toContain('Ann Editor · 14 Mar 2026');
    expect(html).toContain('href="https://news.example.com/posts/spring#notes"');
    expect(html).not.toContain('{{>');
    expect(text.replace(/\s+/g, ' ')).toContain('the notes [https://news.example.com/posts/spring#notes]');
  });
});

describe('transactional mail from the precompiled templates', () => {
  for (const name of ['confirm', 'welcome']) {
    it(`is byte for byte what MJML compiles from templates/ (${name})`, async () => {
      const before = await perPostMjml.template(name);
      expect(before.html).toContain('{{email}}');
      expect(await onNode.template(name)).toEqual(before);
      expect(await precompiled.template(name)).toEqual(before);
    });
  }

  it('refuses a template whose slots are left unfilled, and a slot with no value', async () => {
    await expect(precompiled.template('post')).rejects.toThrow(/slots/);
    await expect(onNode.template('post')).rejects.toThrow(/slots/);
    await expect(precompiled.fill('post', { title: 'T', byline: 'B' })).rejects.toThrow(/"body"/);
    await expect(precompiled.template('missing')).rejects.toThrow(/No compiled template/);
  });
});

describe('the compiled-templates module', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it('is up to date with templates/', async () => {
    const current = await readFile(COMPILED_TEMPLATES_MODULE, 'utf8');
    expect(current === (await generateCompiledTemplates()), `src/render/compiled-templates.ts is stale: run ${REGENERATE}`).toBe(true);
  });

  it('is written by the script, whose --check fails on a stale module and passes on a fresh one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'broadsheet-templates-'));
    dirs.push(dir);
    const out = join(dir, 'compiled-templates.ts');
    await writeFile(out, (await readFile(COMPILED_TEMPLATES_MODULE, 'utf8')).replace('Confirm your subscription', 'Confirm'));
    const stale = await spawnEntry('scripts/compile-templates.ts', ['--check', `--out=${out}`], {}, 60_000).result;
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(REGENERATE);

    expect((await spawnEntry('scripts/compile-templates.ts', [`--out=${out}`], {}, 60_000).result).code).toBe(0);
    expect(await readFile(out, 'utf8')).toBe(await generateCompiledTemplates());
    expect((await spawnEntry('scripts/compile-templates.ts', ['--check', `--out=${out}`], {}, 60_000).result).code).toBe(0);
  });
});
