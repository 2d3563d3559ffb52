import { SELF } from 'cloudflare:test';
import { Kysely } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import type { Config } from '../../src/config.js';
import { D1Dialect } from '../../src/db/d1-dialect.js';
import type { Database } from '../../src/db/database.js';
import { createEditor } from '../../src/editors/create-editor.js';
import { resetD1, testEnv } from './d1-reset.js';
import { BASE } from './fixtures.js';

beforeEach(resetD1);

/** A browser's cookies and same-origin posts, over SELF.fetch (no redirects followed). */
function browser() {
  const jar = new Map<string, string>();
  const request = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await SELF.fetch(`${BASE}${path}`, { ...init, headers, redirect: 'manual' });
    // workerd has getSetCookie; the Workers types of this version do not declare it.
    for (const line of (res.headers as unknown as { getSetCookie(): string[] }).getSetCookie()) {
      const [name, value] = line.split(';')[0]!.split('=') as [string, string];
      if (value === '' || /max-age=0/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  };
  const post = (path: string, fields: Record<string, string>) =>
    request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: BASE, 'sec-fetch-site': 'same-origin' }, body: new URLSearchParams(fields).toString() });
  const csrf = async (path: string) => /name="csrf" value="([^"]+)"/.exec(await (await request(path)).text())?.[1] ?? '';
  return { jar, request, post, csrf };
}

describe('the editor’s desk on Workers', () => {
  it('signs a new owner in over D1, publishes a post from the desk, and signs out for good', async () => {
    const db = new Kysely<Database>({ dialect: new D1Dialect(testEnv.DB as never) });
    const { link } = await createEditor({ db, clock: systemClock, config: { publicUrl: BASE } as Config }, { email: 'owner@example.com' });
    const b = browser();
    const password = 'correct horse battery staple';
    expect((await b.post(new URL(link).pathname, { password, password_confirm: password })).status).toBe(303);

    // PBKDF2-SHA256 at 600,000 iterations through workerd's WebCrypto.
    const signedIn = await b.post('/admin/sign-in', { csrf: await b.csrf('/admin/sign-in'), email: 'owner@example.com', password, next: '/admin' });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/admin');
    const dashboard = await b.request('/admin');
    expect(dashboard.status).toBe(200);
    expect(dashboard.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await dashboard.text()).toContain('Dashboard');

    const csrf = await b.csrf('/admin/posts/new');
    const created = await b.post('/admin/posts', { csrf, title: 'From the desk on Workers', body: '# Hello\n\nWritten in a browser.' });
    expect(created.status).toBe(303);
    const row = await testEnv.DB.prepare("SELECT status FROM posts WHERE title = 'From the desk on Workers'").first();
    expect(row).toEqual({ status: 'draft' });

    // A form without the session's token changes nothing.
    expect((await b.post('/admin/posts', { title: 'Forged' })).status).toBe(403);
    expect(await testEnv.DB.prepare("SELECT count(*) AS n FROM posts WHERE title = 'Forged'").first()).toEqual({ n: 0 });

    const session = [...b.jar].find(([name]) => name.includes('session'))!;
    expect((await b.post('/admin/sign-out', { csrf })).status).toBe(303);
    const replay = await SELF.fetch(`${BASE}/admin`, { headers: { cookie: `${session[0]}=${session[1]}` }, redirect: 'manual' });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toContain('/admin/sign-in');
  });
});
