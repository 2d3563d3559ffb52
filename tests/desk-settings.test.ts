import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// The app first: it loads @hono/zod-openapi, whose .openapi() zod 4 schemas only get if they are
// built after it, and the settings routes call it on the domain's SettingsPatch.
import { createTestContext, manualClock, type TestContext } from './helpers/test-app.js';
import { deskClient, type DeskClient } from './helpers/desk-client.js';
import { adminApi, ADMIN_ENV } from './helpers/posts-fixtures.js';

let t: TestContext;
let desk: DeskClient;
let clock: ReturnType<typeof manualClock>;
beforeEach(async () => {
  clock = manualClock();
  t = await createTestContext({ env: ADMIN_ENV, clock });
  desk = await deskClient(t);
});
afterEach(async () => t.close());

const DEFAULTS = {
  name: 'Allycaral',
  description: 'Subscribe to get the latest posts sent to your email',
  sender_name: 'Allycaral',
  sender_email: 'newsletter@example.com',
  reply_to: '',
  postal_address: '',
  public_url: 'https://news.example.com',
  language: 'en',
};

const apiSettings = async () => (await adminApi(t.app, 'GET', '/api/admin/settings')).body;
const page = async (path: string) => {
  const res = await desk.request(path);
  expect(res.status).toBe(200);
  return res.text();
};
/** The value attribute of the input with this id, as the browser would read it. */
const valueOf = (html: string, id: string) => {
  const input = new RegExp(`<input id="${id}"[^>]*>`).exec(html)?.[0] ?? '';
  return /value="([^"]*)"/.exec(input)?.[1];
};
const unescape = (html: string) => html.replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e]!);
const KEY = /bs_[A-Za-z0-9_-]{32}/;

describe('desk settings', () => {
  it('shows the current settings in a labelled form', async () => {
    const html = await page('/admin/settings');
    for (const [name, value] of Object.entries(DEFAULTS)) {
      expect(html).toContain(`<label for="field-${name}">`);
      expect(valueOf(html, `field-${name}`)).toBe(value);
    }
    expect(html).toContain('<h1>Settings</h1>');
    expect(html).toContain('<a href="/admin/settings" aria-current="page">Publication</a>');
  });

  it('saves through the API’s verb: the API reads back what the desk saved, normalised', async () => {
    const res = await desk.submit('/admin/settings', {
      name: ' The Quay Gazette ',
      description: 'Harbour news, weekly',
      sender_name: 'Gazette Desk',
      sender_email: 'Desk@Gazette.EXAMPLE.org',
      reply_to: 'letters@gazette.example.org',
      postal_address: '1 Quay Street, Dublin D01, Ireland',
      public_url: 'https://gazette.example.org/news/',
      language: 'pt-br',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/settings?done=saved');
    const saved = {
      name: 'The Quay Gazette',
      description: 'Harbour news, weekly',
      sender_name: 'Gazette Desk',
      sender_email: 'Desk@gazette.example.org',
      reply_to: 'letters@gazette.example.org',
      postal_address: '1 Quay Street, Dublin D01, Ireland',
      public_url: 'https://gazette.example.org/news',
      language: 'pt-BR',
    };
    expect(await apiSettings()).toEqual(saved);

    const html = await page('/admin/settings?done=saved');
    expect(html).toContain('Settings saved.');
    expect(valueOf(html, 'field-public_url')).toBe(saved.public_url);
    // The notice is chosen from fixed messages, never echoed from the query.
    expect(await page('/admin/settings?done=<b>pwned</b>')).not.toMatch(/pwned|Settings saved/);

    // An empty reply-to clears it, as "" does in the API.
    expect((await desk.submit('/admin/settings', { ...saved, reply_to: '' })).status).toBe(303);
    expect((await apiSettings()).reply_to).toBe('');
  });

  it.each([
    ['name', 'Gazette\r\nBcc: victim@example.com'],
    ['sender_name', 'Ed\nX-Spam: yes'],
    ['sender_email', 'a@example.com\r\nBcc: b@example.com'],
    ['reply_to', 'a@example.com\nBcc: b@example.com'],
    ['postal_address', '1 Quay St\u2028Dublin'],
    ['description', 'Line one\rLine two'],
    ['sender_email', 'not-an-address'],
    ['reply_to', 'a@example.com, b@example.com'],
    ['public_url', 'javascript:alert(1)'],
    ['language', 'english please'],
    ['name', '   '],
    ['name', 'x'.repeat(201)],
  ])('refuses %s %j as the API does: 422 with the message by the field, the values kept, nothing saved', async (field, value) => {
    const api = await adminApi(t.app, 'PATCH', '/api/admin/settings', { [field]: value });
    expect(api.status).toBe(400);

    const other = field === 'description' ? 'postal_address' : 'description';
    const res = await desk.submit('/admin/settings', { ...DEFAULTS, [other]: 'Would change too', [field]: value });
    expect(res.status).toBe(422);
    const html = await res.text();
    const message = /<p id="field-[a-z_]+-error" class="error">([^<]*)<\/p>/.exec(html)?.[1];
    // The same refusal: the API's message is the field's name and the message the desk shows by it.
    expect(`${field}: ${unescape(message!)}`).toBe(api.body.error.message);
    expect(html).toMatch(new RegExp(`<input id="field-${field}"[^>]*aria-invalid="true" aria-describedby="field-${field}-hint field-${field}-error"`));
    expect(html).toContain(`<a href="#field-${field}">`);
    expect(html).toContain('Nothing was saved');
    expect(valueOf(html, `field-${other}`)).toBe('Would change too');
    expect(unescape(valueOf(html, `field-${field}`)!)).toBe(value);
    expect(await apiSettings()).toEqual(DEFAULTS);
  });

  it('escapes a hostile publication name wherever it shows', async () => {
    const hostile = '"><script>alert(1)</script><img src=x onerror=alert(2)>&amp;';
    expect((await desk.submit('/admin/settings', { ...DEFAULTS, name: hostile })).status).toBe(303);
    expect((await apiSettings()).name).toBe(hostile);
    const html = await page('/admin/settings');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(valueOf(html, 'field-name')).toBe('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&amp;amp;');

    // Refused input is echoed back escaped too.
    const refused = await (await desk.submit('/admin/settings', { ...DEFAULTS, name: hostile, sender_email: 'nope' })).text();
    expect(refused).not.toContain('<script>alert');
    expect(valueOf(refused, 'field-name')).toBe(valueOf(html, 'field-name'));
  });
});

describe('desk API keys', () => {
  const create = async (name: string) => {
    const res = await desk.submit('/admin/settings/keys', { name });
    const html = await res.text();
    return { res, html, key: KEY.exec(html)?.[0] };
  };

  it('creates a key shown once, on the answer to the POST only, that works on the admin API', async () => {
    const { res, html, key } = await create('Newsroom bot');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(html).toContain('it will not be shown again');
    expect(key).toBeDefined();
    expect(valueOf(html, 'field-new-key')).toBe(key);

    const settings = await t.app.request('/api/admin/settings', { headers: { authorization: `Bearer ${key}` } });
    expect(settings.status).toBe(200);

    // No later page has it: the list, the settings, a revoke confirmation.
    const list = await page('/admin/settings/keys');
    expect(list).not.toContain(key);
    expect(list).not.toContain('will not be shown again');
    expect(list).toContain('Newsroom bot');
    expect(list).toContain(`<code>${key!.slice(0, 10)}…</code>`);
    expect(list).not.toMatch(/>never</); // the API call above used it
    expect(await page('/admin/settings')).not.toContain(key);
    expect(await page('/admin/settings/keys/1/revoke')).not.toContain(key);

    // Only its hash is stored.
    const rows = await t.deps.db.selectFrom('api_keys').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key_hash).toBe(createHash('sha256').update(key!).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(key);
    expect(JSON.stringify(await t.deps.db.selectFrom('settings').selectAll().execute())).not.toContain(key);
  });

  it('refuses a blank or overlong name with 422, keeping the value and creating nothing', async () => {
    for (const name of ['   ', 'x'.repeat(101)]) {
      const { res, html, key } = await create(name);
      expect(res.status).toBe(422);
      expect(key).toBeUndefined();
      expect(html).toMatch(/<input id="field-name"[^>]*aria-invalid="true"/);
      expect(html).toMatch(/<p id="field-name-error" class="error">[^<]+<\/p>/);
      expect(valueOf(html, 'field-name')).toBe(name);
    }
    expect(await t.deps.db.selectFrom('api_keys').selectAll().execute()).toEqual([]);
  });

  it('revokes after a confirmation step, and the API refuses the key from then on', async () => {
    const { key } = await create('Old laptop');
    const confirm = await page('/admin/settings/keys/1/revoke');
    expect(confirm).toContain('Old laptop');
    expect(confirm).toContain('<form method="post" action="/admin/settings/keys/1/revoke"');
    // The GET alone changes nothing.
    expect((await t.app.request('/api/admin/settings', { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);

    const res = await desk.submit('/admin/settings/keys/1/revoke', {});
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/settings/keys?done=revoked');
    expect((await t.app.request('/api/admin/settings', { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
    expect((await adminApi(t.app, 'GET', '/api/admin/keys')).body.keys[0].revoked_at).toBe(clock.now().toISOString());

    const list = await page('/admin/settings/keys?done=revoked');
    expect(list).toContain('The key was revoked');
    expect(list).toContain('revoked <time datetime="2026-11-24T09:00:00.000Z">2026-11-24 09:00 UTC</time>');
    expect(list).not.toContain('/admin/settings/keys/1/revoke');

    // Confirming again changes nothing; the confirmation page of a revoked key goes back to the list.
    const [before] = await t.deps.db.selectFrom('api_keys').select('revoked_at').execute();
    clock.advance(60_000);
    expect((await desk.submit('/admin/settings/keys/1/revoke', {})).status).toBe(303);
    expect(await t.deps.db.selectFrom('api_keys').select('revoked_at').execute()).toEqual([before]);
    expect((await desk.request('/admin/settings/keys/1/revoke')).status).toBe(302);
  });

  it('answers 404 for a key that does not exist', async () => {
    expect((await desk.request('/admin/settings/keys/99/revoke')).status).toBe(404);
    expect((await desk.submit('/admin/settings/keys/99/revoke', {})).status).toBe(404);
  });

  it('escapes a hostile key name', async () => {
    const { html } = await create('<script>alert(1)</script>');
    const list = await page('/admin/settings/keys');
    for (const text of [html, list, await page('/admin/settings/keys/1/revoke')]) {
      expect(text).not.toContain('<script>alert');
      expect(text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
  });
});

describe('desk settings pages', () => {
  it('carry the CSRF field in every state-changing form, and no inline script, style or handler', async () => {
    await create();
    const pages = [
      await page('/admin/settings'),
      await (await desk.submit('/admin/settings', { ...DEFAULTS, name: '' })).text(),
      await page('/admin/settings/keys'),
      await (await desk.submit('/admin/settings/keys', { name: 'Another' })).text(),
      await (await desk.submit('/admin/settings/keys', { name: '' })).text(),
      await page('/admin/settings/keys/1/revoke'),
    ];
    let forms = 0;
    for (const html of pages) {
      for (const [form] of html.matchAll(/<form\b[\s\S]*?<\/form>/g)) {
        forms += 1;
        expect(form).toMatch(/^<form method="post"/);
        expect(form).toContain(`<input type="hidden" name="csrf" value="${desk.csrf}"/>`);
      }
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
      expect(html).not.toMatch(/\sstyle=|\son[a-z]+=/i);
      expect(html.match(/<h1>/g)).toHaveLength(1);
    }
    // Each page has the sign-out form, plus its own: settings, key creation, the confirmation.
    expect(forms).toBe(6 + 6);

    async function create() {
      await desk.submit('/admin/settings/keys', { name: 'First' });
    }
  });
});
