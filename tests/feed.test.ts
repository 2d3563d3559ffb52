import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DomUtils, parseDocument } from 'htmlparser2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FEED_SIZE } from '../src/http/routes/archive-routes.js';
import { adminApi, ADMIN_ENV, postInput, publishedPost } from './helpers/posts-fixtures.js';
import { createTestContext, manualClock, type TestContext } from './helpers/test-app.js';

let t: TestContext;
const clock = manualClock();
beforeEach(async () => {
  clock.set(new Date('2026-11-24T09:00:00.000Z'));
  t = await createTestContext({ env: ADMIN_ENV, clock });
});
afterEach(async () => t.close());

// Items and categories always as arrays, so one item reads like many.
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => name === 'item' || name === 'category' });

/** RSS titles and descriptions are HTML to a feed reader: what a reader shows, as text. */
const shown = (html: string) => DomUtils.textContent(parseDocument(html));

/** The elements and event-handler attributes a feed reader would bring to life in `html`. */
function liveMarkup(html: string): string[] {
  const elements = DomUtils.findAll(() => true, parseDocument(html).children);
  return elements.flatMap((e) => [
    ...(['img', 'script', 'svg', 'iframe', 'b'].includes(e.name) ? [`<${e.name}>`] : []),
    ...Object.keys(e.attribs).filter((a) => a.startsWith('on')),
  ]);
}

async function readFeed(app: TestContext['app'] = t.app) {
  const res = await app.request('/feed.xml');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
  const xml = await res.text();
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = parser.parse(xml);
  expect(doc.rss['@version']).toBe('2.0');
  return { channel: doc.rss.channel, res };
}

describe('GET /feed.xml', () => {
  it('is valid RSS 2.0 of the published posts only, newest first, with full content', async () => {
    await publishedPost(t.app, { title: 'Older post', body: 'First *words*.', author: 'Ann Editor', tags: ['harbour', 'news'], excerpt: 'The first one.' });
    clock.advance(3_600_000);
    await publishedPost(t.app, { title: 'Fish & <Chips> "quoted"', body: 'Second post body.\n\n<script>alert(1)</script>' });
    await adminApi(t.app, 'POST', '/api/admin/posts', postInput({ title: 'Still a draft' }));
    await adminApi(t.app, 'POST', '/api/admin/posts', postInput({ title: 'Scheduled', scheduled_at: '2027-01-01T00:00:00Z' }));

    const { channel } = await readFeed();
    expect(channel).toMatchObject({
      title: 'Allycaral',
      link: 'https://news.example.com/posts',
      description: 'Subscribe to get the latest posts sent to your email',
      language: 'en',
    });
    expect(channel['atom:link']['@href']).toBe('https://news.example.com/feed.xml');
    expect(channel.item.map((i: { title: string }) => shown(i.title))).toEqual(['Fish & <Chips> "quoted"', 'Older post']);

    const [newest, older] = channel.item;
    expect(newest.link).toBe('https://news.example.com/posts/fish-chips-quoted');
    expect(new Date(newest.pubDate).toISOString()).toBe('2026-11-24T10:00:00.000Z');
    expect(newest['content:encoded']).toBe('<p>Second post body.</p>');
    expect(newest.description).toBe('Second post body.');

    expect(older).toMatchObject({ link: 'https://news.example.com/posts/older-post', description: 'The first one.', 'dc:creator': 'Ann Editor' });
    expect(older.guid).toMatchObject({ '#text': expect.stringMatching(/^urn:broadsheet:[0-9a-f]{24}:post:\d+:\d+$/), '@isPermaLink': 'false' });
    expect(older.category).toEqual(['harbour', 'news']);
    expect(older['content:encoded']).toBe('<p>First <em>words</em>.</p>');
  });

  it('keeps titles, excerpts and code that show markup as text: a feed reader renders nothing live', async () => {
    const code = '<img src=x onerror=alert(1)>';
    await publishedPost(t.app, { title: `Why ${code} & <b>bold</b> fail`, body: `Never write \`${code}\` in a post.\n\n\`\`\`\n<script>alert(2)</script> ]]>\n\`\`\`` });
    clock.advance(60_000);
    await publishedPost(t.app, { title: 'With an excerpt', body: 'Body.', excerpt: `An excerpt about ${code} ]]> &amp;` });
    await adminApi(t.app, 'PATCH', '/api/admin/settings', { name: 'The <b>Bold</b> Gazette', description: `About ${code}` });

    const { channel } = await readFeed();
    expect(shown(channel.title)).toBe('The <b>Bold</b> Gazette');
    expect(shown(channel.description)).toBe(`About ${code}`);
    const [excerpted, coded] = channel.item;
    expect(shown(excerpted.description)).toBe(`An excerpt about ${code} ]]> &amp;`);
    expect(shown(coded.title)).toBe(`Why ${code} & <b>bold</b> fail`);
    expect(shown(coded.description)).toContain(`Never write ${code} in a post.`);
    const content = parseDocument(coded['content:encoded']);
    expect(DomUtils.findAll((e) => e.name === 'code', content.children).map((e) => DomUtils.textContent(e))).toEqual([code, '<script>alert(2)</script> ]]>\n']);
    for (const item of channel.item) {
      for (const field of ['title', 'description', 'content:encoded']) expect(liveMarkup(item[field]), field).toEqual([]);
    }
    expect(liveMarkup(channel.title)).toEqual([]);
    expect(liveMarkup(channel.description)).toEqual([]);
  });

  it('gives each post a GUID that survives a new PUBLIC_URL and differs between installs', async () => {
    await publishedPost(t.app, { title: 'First' });
    clock.advance(60_000);
    await publishedPost(t.app, { title: 'Second' });
    const before = (await readFeed()).channel.item;
    await adminApi(t.app, 'PATCH', '/api/admin/settings', { public_url: 'https://moved.example.org' });
    const after = (await readFeed()).channel.item;
    expect(after.map((i: { link: string }) => i.link)).toEqual(['https://moved.example.org/posts/second', 'https://moved.example.org/posts/first']);
    const guids = (items: Array<{ guid: { '#text': string } }>) => items.map((i) => i.guid['#text']);
    expect(guids(after)).toEqual(guids(before));
    expect(new Set(guids(after)).size).toBe(2);

    // Another install (its own database, so its own install id) with the same post at the same moment: another GUID.
    const other = await createTestContext({ env: { ...ADMIN_ENV, SECRET: 'another-secret-another-secret-0123456789' }, clock });
    try {
      clock.set(new Date('2026-11-24T09:00:00.000Z'));
      await publishedPost(other.app, { title: 'First' });
      const [theirs] = (await readFeed(other.app)).channel.item;
      expect(theirs.link).toBe('https://news.example.com/posts/first');
      expect(theirs.guid['#text']).not.toBe(before[1].guid['#text']);
    } finally {
      await other.close();
    }
  });

  it('makes relative links and images absolute against the post URL, as the web page resolves them', async () => {
    await publishedPost(t.app, { title: 'Links', body: 'See [the archive](/posts), [notes](#notes) and ![a quay](/img/quay.png).' });
    const [item] = (await readFeed()).channel.item;
    const content = parseDocument(item['content:encoded']);
    const hrefs = DomUtils.findAll((e) => e.name === 'a', content.children).map((e) => e.attribs.href);
    const srcs = DomUtils.findAll((e) => e.name === 'img', content.children).map((e) => e.attribs.src);
    expect(hrefs).toEqual(['https://news.example.com/posts', 'https://news.example.com/posts/links#notes']);
    expect(srcs).toEqual(['https://news.example.com/img/quay.png']);
  });

  it('summarises a post without an excerpt by the opening of its text, cut at a word', async () => {
    const words = Array.from({ length: 3000 }, (_, i) => `word${i}`).join(' ');
    await publishedPost(t.app, { title: 'Long read', body: `# Heading\n\n![pic](https://cdn.example.com/a.png) [A link](https://example.com) then ${words}` });
    const { channel } = await readFeed();
    const description: string = channel.item[0].description;
    expect(description).toMatch(/^Heading A link then word0 word1 word2 /);
    expect(description.length).toBeLessThanOrEqual(281);
    expect(description).toMatch(/ word\d+…$/);
  });

  it(`carries the ${FEED_SIZE} most recent posts`, async () => {
    for (let i = 1; i <= FEED_SIZE + 3; i++) {
      await publishedPost(t.app, { title: `Post ${i}` });
      clock.advance(60_000);
    }
    const { channel } = await readFeed();
    expect(channel.item).toHaveLength(FEED_SIZE);
    expect(channel.item[0].title).toBe(`Post ${FEED_SIZE + 3}`);
    expect(channel.item.at(-1).title).toBe('Post 4');
  });

  it('is valid with no posts yet, and follows the settings', async () => {
    await adminApi(t.app, 'PATCH', '/api/admin/settings', { name: 'Gazette', public_url: 'https://gazette.example.org', language: 'fr' });
    const { channel } = await readFeed();
    expect(channel).toMatchObject({ title: 'Gazette', link: 'https://gazette.example.org/posts', language: 'fr' });
    expect(channel.item).toBeUndefined();
  });

  it('answers 304 to a matching If-None-Match or If-Modified-Since, and 200 once a post is added', async () => {
    await publishedPost(t.app);
    const { res } = await readFeed();
    const etag = res.headers.get('etag')!;
    const lastModified = res.headers.get('last-modified')!;
    expect(lastModified).toBe('Tue, 24 Nov 2026 09:00:00 GMT');
    expect((await t.app.request('/feed.xml', { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await t.app.request('/feed.xml', { headers: { 'if-modified-since': lastModified } })).status).toBe(304);

    clock.advance(60_000);
    await publishedPost(t.app, { title: 'Newer' });
    expect((await t.app.request('/feed.xml', { headers: { 'if-none-match': etag } })).status).toBe(200);
    expect((await t.app.request('/feed.xml', { headers: { 'if-modified-since': lastModified } })).status).toBe(200);
  });
});
