import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refuseInserts } from './helpers/refuse-writes.js';
import { ADMIN, adminApi, ADMIN_ENV, postInput, publishedPost } from './helpers/posts-fixtures.js';
import { createTestContext, manualClock, type TestContext } from './helpers/test-app.js';

let t: TestContext;
const clock = manualClock();
beforeEach(async () => {
  clock.set(new Date('2026-11-24T09:00:00.000Z'));
  t = await createTestContext({ env: ADMIN_ENV, clock });
});
afterEach(async () => t.close());

const api = (method: string, path: string, body?: unknown) => adminApi(t.app, method, path, body);
const create = (overrides: Record<string, unknown> = {}) => api('POST', '/api/admin/posts', postInput(overrides));
const postRows = () => t.deps.db.selectFrom('posts').selectAll().execute();
const activeSubscriber = (email: string) =>
  t.deps.db
    .insertInto('subscribers')
    .values({ email, email_normalized: email, status: 'active', source: 'test', created_at: clock.now().toISOString(), updated_at: clock.now().toISOString() })
    .execute();

describe('POST /api/admin/posts', () => {
  it('creates a draft with a slug from the title, rendered HTML and times', async () => {
    const res = await create({ title: 'Hello, World!', body: '# Hi\n\nSome **bold** text.' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: 1,
      slug: 'hello-world',
      title: 'Hello, World!',
      excerpt: null,
      author: null,
      tags: [],
      email_subject: null,
      body: '# Hi\n\nSome **bold** text.',
      body_html: '<h1>Hi</h1>\n<p>Some <strong>bold</strong> text.</p>',
      status: 'draft',
      scheduled_at: null,
      published_at: null,
      send_on_publish: true,
      publish_error: null,
      created_at: '2026-11-24T09:00:00.000Z',
      updated_at: '2026-11-24T09:00:00.000Z',
    });
    expect((await api('GET', '/api/admin/posts/1')).body).toEqual(res.body);
  });

  it('takes the optional fields, trimming text, de-duplicating tags and treating "" as none', async () => {
    const res = await create({ title: '  Spaced  ', excerpt: '', author: ' Ann Editor ', tags: ['news', 'quay', 'news'], email_subject: 'Read this', slug: 'my-own-slug' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ title: 'Spaced', excerpt: null, author: 'Ann Editor', tags: ['news', 'quay'], email_subject: 'Read this', slug: 'my-own-slug' });
  });

  it.each([
    ['no title', { title: undefined }, /title/],
    ['a blank title', { title: '   ' }, /title/],
    ['a title with a line break', { title: 'Hello\r\nBcc: victim@example.com' }, /title: must be one line/],
    ['an email subject with a line break', { email_subject: 'Hi\nX-Evil: 1' }, /email_subject/],
    ['a blank body', { body: ' \n ' }, /body: must not be empty/],
    ['a body that is not text', { body: 42 }, /body/],
    ['tags that are not a list', { tags: 'news' }, /tags/],
    ['too many tags', { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, /tags/],
    ['an unknown field', { titel: 'typo' }, /titel|unrecognized/i],
    ['a scheduled_at that is not a time', { scheduled_at: 'next tuesday' }, /scheduled_at/],
    ['a slug not in slug form', { slug: 'Hello World' }, /slug must be lower-case .* e\.g\. "hello-world"/],
  ])('refuses %s with 400 and stores nothing', async (_, overrides, message) => {
    const res = await create(overrides);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid');
    expect(res.body.error.message).toMatch(message);
    expect(await postRows()).toEqual([]);
  });

  it('refuses a body that is not JSON, and a scheduled_at in the past (422)', async () => {
    const broken = await t.app.request('/api/admin/posts', { method: 'POST', headers: { ...ADMIN, 'content-type': 'application/json' }, body: '{"title": "x",' });
    expect(broken.status).toBe(400);
    const past = await create({ scheduled_at: '2026-11-24T08:59:59Z' });
    expect(past.status).toBe(422);
    expect(past.body.error.message).toMatch(/scheduled_at must be in the future/);
    expect(await postRows()).toEqual([]);
  });

  it('answers 413 for a body over 1 MB', async () => {
    const res = await create({ body: 'x'.repeat(1024 * 1024 + 1) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect(await postRows()).toEqual([]);
  });
});

describe('slugs', () => {
  it('makes derived slugs unique with -2, -3 and refuses an explicit slug that is taken (409)', async () => {
    const slugs = [];
    for (let i = 0; i < 3; i++) slugs.push((await create({ title: 'Weekly notes' })).body.slug);
    expect(slugs).toEqual(['weekly-notes', 'weekly-notes-2', 'weekly-notes-3']);

    const taken = await create({ title: 'Other', slug: 'weekly-notes-2' });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toEqual({ code: 'conflict', message: 'The slug "weekly-notes-2" is already used by another post' });
    expect(await postRows()).toHaveLength(3);
  });

  it.each([
    ['Café Münster: über Straße', 'cafe-munster-uber-strasse'],
    ["Don't panic — it's only Tuesday", 'dont-panic-its-only-tuesday'],
    ['日本語のタイトル', '日本語のタイトル'],
    ['Привет, мир', 'привет-мир'],
    ['नमस्ते दुनिया', 'नमस्ते-दुनिया'],
    ['Καλημέρα κόσμε', 'καλημερα-κοσμε'],
    ['🎉🎉🎉', 'post'],
  ])('derives %j → %s', async (title, slug) => {
    expect((await create({ title })).body.slug).toBe(slug);
  });

  it('serves a post whose slug is in a non-Latin script at its percent-encoded address', async () => {
    const post = await publishedPost(t.app, { title: 'Привет, мир' });
    const res = await t.app.request(`/posts/${encodeURIComponent(post.slug)}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<h1>Привет, мир</h1>');
  });

  it('lets a draft change its slug, but keeps a published slug fixed (409; the same slug is fine)', async () => {
    const draft = (await create({ title: 'First title' })).body;
    expect((await api('PATCH', `/api/admin/posts/${draft.id}`, { slug: 'better-slug' })).body.slug).toBe('better-slug');
    // A new title does not rename the slug.
    expect((await api('PATCH', `/api/admin/posts/${draft.id}`, { title: 'Second title' })).body.slug).toBe('better-slug');

    await create({ title: 'Another', slug: 'taken' });
    const clash = await api('PATCH', `/api/admin/posts/${draft.id}`, { slug: 'taken' });
    expect(clash.status).toBe(409);

    await api('POST', `/api/admin/posts/${draft.id}/publish`, { send: false });
    const moved = await api('PATCH', `/api/admin/posts/${draft.id}`, { slug: 'new-address' });
    expect(moved.status).toBe(409);
    expect(moved.body.error.message).toBe('The slug of a published post cannot change: links to it are already out');
    const same = await api('PATCH', `/api/admin/posts/${draft.id}`, { slug: 'better-slug', title: 'Third title' });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ slug: 'better-slug', title: 'Third title' });
    expect((await t.app.request('/posts/better-slug')).status).toBe(200);
  });
});

describe('GET/PATCH/DELETE /api/admin/posts/:id', () => {
  it('answers 404 JSON for an unknown id and 400 for an id that is not a number', async () => {
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const res = await api(method, '/api/admin/posts/999', method === 'PATCH' ? { title: 'x' } : undefined);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: { code: 'not_found', message: 'No post with id 999' } });
    }
    expect((await api('POST', '/api/admin/posts/999/publish', { send: false })).status).toBe(404);
    expect((await api('GET', '/api/admin/posts/abc')).status).toBe(400);
  });

  it('updates fields, re-renders the body and moves updated_at only', async () => {
    const post = (await create({ tags: ['a'] })).body;
    clock.advance(60_000);
    const res = await api('PATCH', `/api/admin/posts/${post.id}`, { body: 'New *text*', tags: [], excerpt: 'Short', author: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ body: 'New *text*', body_html: '<p>New <em>text</em></p>', tags: [], excerpt: 'Short', author: null, title: post.title });
    expect(res.body.created_at).toBe(post.created_at);
    expect(res.body.updated_at).toBe(clock.now().toISOString());
  });

  it('refuses bad changes with 400 and leaves the post as it was', async () => {
    const post = (await create()).body;
    for (const change of [{ title: '' }, { body: '' }, { status: 'published' }, { title: 'a\u2028b' }]) {
      expect((await api('PATCH', `/api/admin/posts/${post.id}`, change)).status).toBe(400);
    }
    expect((await api('GET', `/api/admin/posts/${post.id}`)).body).toEqual(post);
  });

  it('corrects a published post, and the web page follows', async () => {
    const post = await publishedPost(t.app, { title: 'Typo in teh title' });
    const res = await api('PATCH', `/api/admin/posts/${post.id}`, { title: 'Typo fixed', body: 'Corrected body.' });
    expect(res.body).toMatchObject({ status: 'published', published_at: post.published_at, slug: post.slug });
    const page = await (await t.app.request(`/posts/${post.slug}`)).text();
    expect(page).toContain('Typo fixed');
    expect(page).toContain('Corrected body.');
  });

  it('deletes a post: 204, then 404 for the API and the web page', async () => {
    const post = await publishedPost(t.app);
    const res = await t.app.request(`/api/admin/posts/${post.id}`, { method: 'DELETE', headers: ADMIN });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect((await api('GET', `/api/admin/posts/${post.id}`)).status).toBe(404);
    expect((await t.app.request(`/posts/${post.slug}`)).status).toBe(404);
    expect((await api('DELETE', `/api/admin/posts/${post.id}`)).status).toBe(404);
  });
});

describe('GET /api/admin/posts', () => {
  it('walks every post, newest first, page by page, without bodies', async () => {
    for (let i = 1; i <= 23; i++) {
      await create({ title: `Post ${i}` });
      clock.advance(1000);
    }
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: Awaited<ReturnType<typeof api>> = await api('GET', `/api/admin/posts?limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.posts.length).toBe(pages < 4 ? 5 : 3);
      for (const post of res.body.posts) {
        expect(post).not.toHaveProperty('body');
        expect(post).not.toHaveProperty('body_html');
        seen.push(post.id);
      }
      cursor = res.body.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => 23 - i));
  });

  it('filters by status and defaults to 20 a page', async () => {
    for (let i = 0; i < 22; i++) await create({ title: `Draft ${i}` });
    await publishedPost(t.app, { title: 'Out there' });
    await create({ title: 'Later', scheduled_at: '2026-12-01T09:00:00Z' });

    const all = await api('GET', '/api/admin/posts');
    expect(all.body.posts).toHaveLength(20);
    expect(all.body.next_cursor).toEqual(expect.any(String));
    const published = await api('GET', '/api/admin/posts?status=published');
    expect(published.body).toEqual({ posts: [expect.objectContaining({ title: 'Out there', status: 'published' })], next_cursor: null });
    const scheduled = await api('GET', '/api/admin/posts?status=scheduled');
    expect(scheduled.body.posts.map((p: { title: string }) => p.title)).toEqual(['Later']);
    expect((await api('GET', '/api/admin/posts?status=draft&limit=100')).body.posts).toHaveLength(22);
  });

  it.each(['status=gone', 'limit=0', 'limit=101', 'limit=ten', 'cursor=not-a-cursor', `cursor=${Buffer.from('["x"]').toString('base64url')}`])(
    'refuses ?%s with 400',
    async (query) => {
      const res = await api('GET', `/api/admin/posts?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid');
    },
  );
});

describe('POST /api/admin/posts/:id/publish', () => {
  it('with send: false publishes on the web only', async () => {
    const post = (await create({ title: 'Web only' })).body;
    expect((await t.app.request('/posts/web-only')).status).toBe(404);
    clock.advance(5000);
    const res = await api('POST', `/api/admin/posts/${post.id}/publish`, { send: false });
    expect(res.status).toBe(202);
    expect(res.body.send).toBeNull();
    expect(res.body.post).toMatchObject({ status: 'published', published_at: clock.now().toISOString(), send_on_publish: false, scheduled_at: null });
    expect((await t.app.request('/posts/web-only')).status).toBe(200);

    // Publishing again changes nothing.
    clock.advance(5000);
    const again = await api('POST', `/api/admin/posts/${post.id}/publish`, { send: false });
    expect(again.status).toBe(202);
    expect(again.body.post).toEqual(res.body.post);
  });

  it('refuses to schedule a published post (409) and bad input (400)', async () => {
    const post = await publishedPost(t.app);
    const res = await api('POST', `/api/admin/posts/${post.id}/publish`, { send: false, scheduled_at: '2027-01-01T00:00:00Z' });
    expect(res.status).toBe(409);
    expect((await api('POST', `/api/admin/posts/${post.id}/publish`, { send: 'no' })).status).toBe(400);
    expect((await api('POST', `/api/admin/posts/${post.id}/publish`, { send: false, extra: 1 })).status).toBe(400);
    expect((await api('GET', `/api/admin/posts/${post.id}`)).body).toMatchObject({ status: 'published', published_at: post.published_at });
  });

  it('refuses publish options that are not JSON, rather than reading them as the defaults (which would mail)', async () => {
    const post = (await create()).body;
    const formOrNothing: Array<Record<string, string>> = [{ 'content-type': 'application/x-www-form-urlencoded' }, {}];
    for (const headers of formOrNothing) {
      const res = await t.app.request(`/api/admin/posts/${post.id}/publish`, { method: 'POST', headers: { ...ADMIN, ...headers }, body: 'send=false' });
      expect(res.status).toBe(415);
    }
    expect((await api('GET', `/api/admin/posts/${post.id}`)).body).toEqual(post);
  });

  it('with send (the default) publishes and starts the one mailing of the post; publishing again returns it', async () => {
    await activeSubscriber('reader@example.com');
    const post = (await create({ title: 'Mailed', email_subject: 'Fresh from the quay' })).body;
    const res = await api('POST', `/api/admin/posts/${post.id}/publish`);
    expect(res.status).toBe(202);
    expect(res.body.post).toMatchObject({ status: 'published', send_on_publish: true });
    expect(res.body.send).toMatchObject({ post_id: post.id, subject: 'Fresh from the quay', total: 1 });

    const again = await api('POST', `/api/admin/posts/${post.id}/publish`, { send: true });
    expect(again.status).toBe(202);
    expect(again.body.send.id).toBe(res.body.send.id);
    expect(await t.deps.db.selectFrom('sends').select('id').execute()).toHaveLength(1);
  });

  it('keeps a post that has been mailed: deleting it is a 409', async () => {
    const post = (await create({ title: 'Mailed once' })).body;
    expect((await api('POST', `/api/admin/posts/${post.id}/publish`, { send: true })).status).toBe(202);
    const res = await api('DELETE', `/api/admin/posts/${post.id}`);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/has been mailed/);
    expect((await t.app.request('/posts/mailed-once')).status).toBe(200);
  });

  it('rolls back when the mailing cannot start: the call fails and the post stays as it was', async () => {
    const post = (await create({ title: 'Wants mailing' })).body;
    // The database itself refuses to record a mailing: a real failure, inside the real transaction.
    const allowSends = await refuseInserts(t.deps.db, 'sends', 'sends are refused');
    const res = await api('POST', `/api/admin/posts/${post.id}/publish`, { send: true });
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('internal');
    expect((await api('GET', `/api/admin/posts/${post.id}`)).body).toEqual(post);
    expect((await t.app.request('/posts/wants-mailing')).status).toBe(404);
  });
});

describe('the public web', () => {
  it('GET /posts lists published posts newest first, 20 a page, with links to older pages', async () => {
    for (let i = 1; i <= 45; i++) {
      await publishedPost(t.app, { title: `Story ${i}`, excerpt: `Summary ${i}` });
      clock.advance(60_000);
    }
    await create({ title: 'Unpublished draft' });
    const titles: string[] = [];
    let path: string | undefined = '/posts';
    let pages = 0;
    while (path) {
      const res = await t.app.request(path);
      expect(res.status).toBe(200);
      const html = await res.text();
      titles.push(...[...html.matchAll(/<h2><a href="\/posts\/story-\d+">([^<]+)<\/a><\/h2>/g)].map((m) => m[1]!));
      path = html.match(/<a href="(\/posts\?before=[^"]+)" rel="next">/)?.[1];
      pages++;
    }
    expect(pages).toBe(3);
    expect(titles).toEqual(Array.from({ length: 45 }, (_, i) => `Story ${45 - i}`));
  });

  it('GET /posts/:slug shows the whole post with the subscribe form; drafts, scheduled and unknown slugs are 404', async () => {
    const post = await publishedPost(t.app, { title: 'On the page', author: 'Ann Editor', tags: ['quay'], body: '## Heading\n\nBody text.' });
    const res = await t.app.request(`/posts/${post.slug}`);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1"/>');
    expect(html).toContain('<title>On the page – Allycaral</title>');
    expect(html).toContain('<h1>On the page</h1>');
    expect(html).toContain('Ann Editor · <time datetime="2026-11-24T09:00:00.000Z">November 24, 2026</time>');
    expect(html).toContain('<div class="post-body"><h2>Heading</h2>\n<p>Body text.</p></div>');
    expect(html).toMatch(/<form class="stack" method="post" action="\/api\/subscribe">/);
    expect(html).toContain('<input type="hidden" name="source" value="post"/>');

    await create({ title: 'Draft only' });
    await create({ title: 'Scheduled only', scheduled_at: '2026-12-01T00:00:00Z' });
    for (const slug of ['draft-only', 'scheduled-only', 'no-such-post']) {
      const missing = await t.app.request(`/posts/${slug}`);
      expect(missing.status).toBe(404);
      expect(await missing.text()).toContain('There is no post at this address.');
    }
    expect((await t.app.request('/posts?before=garbage')).status).toBe(400);
  });

  it('sends ETag and Last-Modified, answers 304 when they match, and 200 after an edit', async () => {
    const post = await publishedPost(t.app, { title: 'Cached' });
    const path = `/posts/${post.slug}`;
    const first = await t.app.request(path);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers.get('last-modified')).toBe('Tue, 24 Nov 2026 09:00:00 GMT');
    expect(first.headers.get('cache-control')).toBe('public, no-cache');

    const revalidations: Array<Record<string, string>> = [
      { 'if-none-match': etag },
      { 'if-none-match': `"other", W/${etag}` },
      { 'if-none-match': '*' },
      { 'if-modified-since': 'Tue, 24 Nov 2026 09:00:00 GMT' },
      { 'if-modified-since': 'Wed, 25 Nov 2026 09:00:00 GMT' },
    ];
    for (const headers of revalidations) {
      const res = await t.app.request(path, { headers });
      expect(res.status).toBe(304);
      expect(await res.text()).toBe('');
      expect(res.headers.get('etag')).toBe(etag);
    }
    expect((await t.app.request(path, { headers: { 'if-modified-since': 'Tue, 24 Nov 2026 08:59:59 GMT' } })).status).toBe(200);
    // If-None-Match wins over If-Modified-Since.
    expect((await t.app.request(path, { headers: { 'if-none-match': '"stale"', 'if-modified-since': 'Wed, 25 Nov 2026 09:00:00 GMT' } })).status).toBe(200);

    clock.advance(60_000);
    await api('PATCH', `/api/admin/posts/${post.id}`, { body: 'Edited.' });
    const edited = await t.app.request(path, { headers: { 'if-none-match': etag } });
    expect(edited.status).toBe(200);
    expect(edited.headers.get('last-modified')).toBe('Tue, 24 Nov 2026 09:01:00 GMT');

    const archive = await t.app.request('/posts');
    expect((await t.app.request('/posts', { headers: { 'if-none-match': archive.headers.get('etag')! } })).status).toBe(304);
  });
});
