import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, adminApi, ADMIN_ENV, publishedPost } from './helpers/posts-fixtures.js';
import { createTestContext, json, type TestContext } from './helpers/test-app.js';

let t: TestContext;
beforeEach(async () => {
  t = await createTestContext({ env: ADMIN_ENV });
});
afterEach(async () => t.close());

const api = (method: string, path: string, body?: unknown) => adminApi(t.app, method, path, body);
const patch = (body: unknown) => api('PATCH', '/api/admin/settings', body);

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

describe('/api/admin/settings', () => {
  it('starts from the configuration', async () => {
    const res = await api('GET', '/api/admin/settings');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(DEFAULTS);
  });

  it('takes the default sender name from MAIL_FROM when it has one', async () => {
    const named = await createTestContext({ env: { ...ADMIN_ENV, MAIL_FROM: 'Allycaral Desk <desk@example.com>' } });
    try {
      const res = await adminApi(named.app, 'GET', '/api/admin/settings');
      expect(res.body).toEqual({ ...DEFAULTS, sender_name: 'Allycaral Desk', sender_email: 'desk@example.com' });
    } finally {
      await named.close();
    }
  });

  it('changes what it is given, normalised, and keeps the rest', async () => {
    const res = await patch({
      name: '  The Quay Gazette ',
      sender_email: 'Editor@News.EXAMPLE.org',
      reply_to: 'letters@example.org',
      postal_address: '1 Quay Street, Dublin D01, Ireland',
      public_url: 'https://gazette.example.org/news/',
      language: 'pt-br',
    });
    expect(res.status).toBe(200);
    const expected = {
      ...DEFAULTS,
      name: 'The Quay Gazette',
      sender_email: 'Editor@news.example.org',
      reply_to: 'letters@example.org',
      postal_address: '1 Quay Street, Dublin D01, Ireland',
      public_url: 'https://gazette.example.org/news',
      language: 'pt-BR',
    };
    expect(res.body).toEqual(expected);
    expect((await api('GET', '/api/admin/settings')).body).toEqual(expected);
    // "" clears the reply-to address.
    expect((await patch({ reply_to: '' })).body.reply_to).toBe('');
    expect((await patch({})).body).toEqual({ ...expected, reply_to: '' });
  });

  it.each([
    ['a line break in the name', { name: 'Gazette\r\nBcc: victim@example.com' }, /name: must be one line/],
    ['a line break in the sender name', { sender_name: 'Ed\nX-Spam: yes' }, /sender_name/],
    ['a Unicode line separator', { postal_address: '1 Quay St\u2028Dublin' }, /postal_address/],
    ['an empty name', { name: '  ' }, /name/],
    ['a name too long', { name: 'x'.repeat(201) }, /name/],
    ['a sender address that is not one', { sender_email: 'not-an-address' }, /sender_email: email is not a valid address/],
    ['a sender address with a header in it', { sender_email: 'a@example.com\r\nBcc: b@example.com' }, /sender_email/],
    ['a sender name with a control character', { sender_name: 'Ed\u0000itor' }, /sender_name: must be one line/],
    ['a sender name too long for a header', { sender_name: 'x'.repeat(101) }, /sender_name/],
    ['two sender addresses', { sender_email: 'a@example.com, b@example.com' }, /sender_email/],
    ['a sender address with a name in it', { sender_email: 'Desk <desk@example.com>' }, /sender_email/],
    ['two reply-to addresses', { reply_to: 'a@example.com, b@example.com' }, /reply_to/],
    ['a reply-to that is not an address', { reply_to: 'nobody' }, /reply_to/],
    ['a public URL with another scheme', { public_url: 'javascript:alert(1)' }, /public_url/],
    ['an FTP public URL', { public_url: 'ftp://example.com' }, /public_url/],
    ['a public URL with a query', { public_url: 'https://example.com/?utm=1' }, /public_url/],
    ['a public URL with credentials', { public_url: 'https://user:pw@example.com' }, /public_url/],
    ['a relative public URL', { public_url: '/news' }, /public_url/],
    ['a language that is not a tag', { language: 'english please' }, /language/],
    ['an unknown setting', { colour: 'blue' }, /colour|unrecognized/i],
    ['a number for a name', { name: 42 }, /name/],
  ])('refuses %s with 400 and changes nothing', async (_, body, message) => {
    const res = await patch({ description: 'Would change too', ...body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid');
    expect(res.body.error.message).toMatch(message);
    expect((await api('GET', '/api/admin/settings')).body).toEqual(DEFAULTS);
  });

  it('needs the admin key', async () => {
    expect((await t.app.request('/api/admin/settings')).status).toBe(401);
    expect((await t.app.request('/api/admin/settings', { ...json({ name: 'x' }), method: 'PATCH' })).status).toBe(401);
    expect((await t.app.request('/api/admin/settings', { headers: ADMIN })).status).toBe(200);
  });
});

describe('settings at work', () => {
  it('name the sender and reply-to of the mail that goes out', async () => {
    await patch({ sender_name: 'Gazette Desk', sender_email: 'desk@gazette.example.org', reply_to: 'letters@gazette.example.org', name: 'The Gazette' });
    expect((await t.app.request('/api/subscribe', json({ email: 'reader@example.com' }))).status).toBe(202);
    await t.drain();
    const [mail] = await t.smtp.waitFor(1);
    expect(mail!.parsed.from?.value[0]).toEqual({ address: 'desk@gazette.example.org', name: 'Gazette Desk' });
    expect(mail!.parsed.replyTo?.value[0]?.address).toBe('letters@gazette.example.org');
    expect(mail!.parsed.subject).toBe('Confirm your subscription to The Gazette');
  });

  it('show on the public pages, and a change gives them a new ETag', async () => {
    const post = await publishedPost(t.app, { title: 'Settings show' });
    const before = await t.app.request(`/posts/${post.slug}`);
    await patch({ name: 'Renamed Weekly', language: 'de' });
    const after = await t.app.request(`/posts/${post.slug}`);
    const html = await after.text();
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('Renamed Weekly');
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    expect((await t.app.request(`/posts/${post.slug}`, { headers: { 'if-none-match': before.headers.get('etag')! } })).status).toBe(200);
  });
});
