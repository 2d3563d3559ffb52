import { SELF } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetD1, testEnv } from './d1-reset.js';
import { ADMIN, BASE, createPost } from './fixtures.js';
import { sink } from './sink.js';

beforeEach(async () => {
  await resetD1();
  await sink.clear();
});

const get = (path: string, headers: Record<string, string> = {}) => SELF.fetch(`${BASE}${path}`, { headers });

async function sha256(bytes: ArrayBuffer): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Everything a refused request must leave as it was. */
async function snapshot() {
  const subscribers = await testEnv.DB.prepare('SELECT id, email, status, confirmed_at, updated_at FROM subscribers ORDER BY id').all();
  const queue = await testEnv.DB.prepare('SELECT id, kind, subscriber_id FROM mail_queue ORDER BY id').all();
  return { subscribers: subscribers.results, queue: queue.results };
}

const subscribe = (body: string, contentType = 'application/json') =>
  SELF.fetch(`${BASE}/api/subscribe`, { method: 'POST', headers: { 'content-type': contentType, 'cf-connecting-ip': '203.0.113.40' }, body });

describe('the HTTP contract on the Worker', () => {
  it('serves /docs and the installed Swagger UI files byte for byte from the static assets', async () => {
    const page = await get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self';");
    const urls = [...(await page.text()).matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(urls).toEqual(['/docs/assets/swagger-ui.css', '/docs/assets/docs.css', '/docs/assets/swagger-ui-bundle.js', '/docs/assets/docs.js']);

    const installed = await sink.swaggerUi();
    const types = { 'swagger-ui.css': 'text/css; charset=utf-8', 'swagger-ui-bundle.js': 'text/javascript; charset=utf-8' } as const;
    for (const [name, type] of Object.entries(types) as [keyof typeof types, string][]) {
      const res = await get(`/docs/assets/${name}`);
      expect(res.status, name).toBe(200);
      expect(res.headers.get('content-type'), name).toBe(type);
      const bytes = await res.arrayBuffer();
      expect(installed[name].size, name).toBeGreaterThan(1000);
      expect({ size: bytes.byteLength, sha256: await sha256(bytes) }, name).toEqual(installed[name]);
    }
    expect((await get('/docs/assets/not-swagger.js')).status).toBe(404);
  });

  it('serves /openapi.json listing the admin paths', async () => {
    const res = await get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/admin/posts',
        '/api/admin/posts/{id}/publish',
        '/api/admin/sends/{id}',
        '/api/admin/sends/{id}/pause',
        '/api/admin/subscribers',
        '/api/admin/subscribers/import',
        '/api/admin/suppressions',
        '/api/admin/keys',
        '/api/subscribe',
      ]),
    );
    expect(Object.keys(doc.paths['/api/admin/subscribers']!)).toEqual(expect.arrayContaining(['get', 'post']));
  });

  it('shows a published post in the archive, on its page and in the feed', async () => {
    const postId = await createPost('Archive & feed');
    const published = await SELF.fetch(`${BASE}/api/admin/posts/${postId}/publish`, { method: 'POST', headers: ADMIN, body: JSON.stringify({ send: false }) });
    expect(published.status).toBe(202);
    const { post } = (await published.json()) as { post: { slug: string } };
    expect(post.slug).toBe('archive-feed');

    const archive = await get('/posts');
    expect(archive.status).toBe(200);
    expect(archive.headers.get('content-type')).toMatch(/^text\/html/);
    const archiveHtml = await archive.text();
    expect(archiveHtml).toContain('Archive &amp; feed');
    expect(archiveHtml).toContain('/posts/archive-feed');

    const page = await get('/posts/archive-feed');
    expect(page.status).toBe(200);
    const pageHtml = await page.text();
    expect(pageHtml).toContain('Archive &amp; feed');
    expect(pageHtml).toContain('href="https://example.com"');
    expect((await get('/posts/no-such-post')).status).toBe(404);

    const feed = await get('/feed.xml');
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    const xml = await feed.text();
    expect(xml).toMatch(/^<\?xml/);
    expect(xml).toContain('<link>https://news.example.com/posts/archive-feed</link>');
    // A conditional GET is answered from Last-Modified as on Node.
    const lastModified = feed.headers.get('last-modified');
    expect(lastModified).toBeTruthy();
    expect((await get('/feed.xml', { 'if-modified-since': lastModified! })).status).toBe(304);
  });

  it('answers a wrong admin key with the 401 JSON of Node, and changes nothing', async () => {
    for (const authorization of ['Bearer bs_wrong-key-wrong-key-wrong-key', `${testEnv.ADMIN_API_KEY as string}`, '']) {
      const res = await SELF.fetch(`${BASE}/api/admin/subscribers`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'intruder@example.org', status: 'active' }),
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="broadsheet-admin"');
      expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: 'A valid API key is required' } });
    }
    expect((await snapshot()).subscribers).toEqual([]);
  });

  it('refuses an oversized subscribe body with 413, and an invalid email with 400, storing nothing', async () => {
    const big = await subscribe(JSON.stringify({ email: 'big@example.org', name: 'y'.repeat(20_000) }));
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');

    const bigForm = await subscribe(new URLSearchParams({ email: 'big@example.org', name: 'z'.repeat(20_000) }).toString(), 'application/x-www-form-urlencoded');
    expect(bigForm.status).toBe(413);
    expect(bigForm.headers.get('content-type')).toContain('text/html');

    for (const email of ['not-an-address', 'ann@example.com\r\nBcc: victim@example.org']) {
      const res = await subscribe(JSON.stringify({ email }));
      expect(res.status, email).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid');
    }
    expect(await snapshot()).toEqual({ subscribers: [], queue: [] });
    // And the same request with a good address is taken, so the refusals above were for the body.
    expect((await subscribe(JSON.stringify({ email: 'fine@example.org' }))).status).toBe(202);
    // Its confirmation goes out before the next test resets D1 (and nothing else does).
    expect((await sink.waitFor((m) => m.length > 0)).map((m) => m.envelope.to)).toEqual([['fine@example.org']]);
  });

  it('refuses a bad confirmation token with 400 and confirms nobody', async () => {
    expect((await subscribe(JSON.stringify({ email: 'pending@example.org' }))).status).toBe(202);
    const [confirmation] = await sink.waitFor((m) => m.length > 0);
    const token = /https:\/\/news\.example\.com\/confirm\/([A-Za-z0-9._~-]+)/.exec(confirmation!.text)![1]!;
    const [id, issued, mac] = token.split('.') as [string, string, string];
    const before = await snapshot();
    expect(before.subscribers).toMatchObject([{ email: 'pending@example.org', status: 'pending', confirmed_at: null }]);

    const bad = [`${id}.${issued}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`, `${(parseInt(id, 36) + 1).toString(36)}.${issued}.${mac}`, token.slice(0, -3), 'not-a-token'];
    for (const forged of bad) {
      for (const method of ['GET', 'POST']) {
        const res = await SELF.fetch(`${BASE}/confirm/${forged}`, { method, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: method === 'POST' ? '' : undefined });
        expect(res.status, `${method} ${forged}`).toBe(400);
        expect(await res.text()).toContain('not valid');
      }
    }
    expect(await snapshot()).toEqual(before);

    // The real token still works: the refusals were for the forgery.
    const good = await SELF.fetch(`${BASE}/confirm/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(good.status).toBe(200);
    expect((await snapshot()).subscribers).toMatchObject([{ status: 'active' }]);
    // The welcome goes out before the next test resets D1.
    await sink.waitFor((m) => m.length === 2);
  });
});
