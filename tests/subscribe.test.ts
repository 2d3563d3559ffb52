import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONFIRM_MAIL_INTERVAL_MS } from '../src/subscriptions/enqueue-mail.js';
import { createTestContext, form, json, linkIn, manualClock, type TestContext } from './helpers/test-app.js';

let t: TestContext;
beforeEach(async () => {
  t = await createTestContext({ env: { } });
  await t.deps.db.insertInto('settings').values({ key: 'postal_address', value: JSON.stringify('1 Quay Street, Dublin'), updated_at: new Date().toISOString() }).execute();
});
afterEach(async () => t.close());

const subscribers = () => t.deps.db.selectFrom('subscribers').selectAll().execute();

describe('POST /api/subscribe', () => {
  it('accepts an address, stores a pending subscriber with consent, and mails a confirmation link', async () => {
    const res = await t.app.request(
      '/api/subscribe',
      json({ email: '  Reader@Example.COM ', name: 'Ann Reader' }, { 'x-forwarded-for': '203.0.113.7', 'user-agent': 'TestBrowser/1.0' }),
    );
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'pending', message: 'Check your inbox to confirm your subscription.' });

    const [row] = await subscribers();
    expect(row).toMatchObject({
      email: 'Reader@example.com',
      email_normalized: 'reader@example.com',
      name: 'Ann Reader',
      status: 'pending',
      source: 'api',
      consent_ip: '203.0.113.7',
      consent_user_agent: 'TestBrowser/1.0',
    });
    expect(row!.consent_at).toMatch(/^\d{4}-\d\d-\d\dT/);

    await t.drain();
    const [mail] = await t.smtp.waitFor(1);
    expect(mail!.envelope.to).toEqual(['Reader@example.com']);
    expect(mail!.parsed.subject).toBe('Confirm your subscription to Allycaral');
    expect(mail!.parsed.from?.value[0]).toMatchObject({ address: 'newsletter@example.com', name: 'Allycaral' });
    const confirmUrl = linkIn(mail!.parsed.text!, '/confirm/');
    expect(mail!.parsed.html).toContain(confirmUrl);
    const unsubscribeUrl = linkIn(mail!.parsed.text!, '/unsubscribe/');
    expect(mail!.header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(mail!.header('List-Unsubscribe')).toBe(`<${unsubscribeUrl}>`);
    // The footer names the publication, its postal address and the unsubscribe link.
    expect(mail!.parsed.text).toContain('1 Quay Street, Dublin');
    expect(mail!.parsed.html).toContain(`href="${unsubscribeUrl}"`);
  });

  it('answers the same for a new, a pending and an active address (no enumeration)', async () => {
    const first = await t.app.request('/api/subscribe', json({ email: 'ann@example.com' }));
    const again = await t.app.request('/api/subscribe', json({ email: 'ANN@example.com' }));
    await t.drain();
    await t.smtp.waitFor(1);
    await t.deps.db.updateTable('subscribers').set({ status: 'active' }).execute();
    const active = await t.app.request('/api/subscribe', json({ email: 'ann@example.com' }));
    const bodies = await Promise.all([first, again, active].map((r) => r.text()));
    expect([first.status, again.status, active.status]).toEqual([202, 202, 202]);
    expect(new Set(bodies).size).toBe(1);
    expect(await subscribers()).toHaveLength(1);
    await t.drain();
    // One confirmation for the two requests (one window), and none for an active reader.
    expect(t.smtp.messages).toHaveLength(1);
  });

  it('accepts internationalised domains and stores them in ASCII form', async () => {
    const res = await t.app.request('/api/subscribe', json({ email: 'jürgen@bücher.de' }));
    expect(res.status).toBe(202);
    const [row] = await subscribers();
    expect(row!.email).toBe('jürgen@xn--bcher-kva.de');
    await t.drain();
    const [mail] = await t.smtp.waitFor(1);
    // nodemailer may present the domain in Unicode when the server speaks SMTPUTF8.
    expect(mail!.envelope.to[0]).toMatch(/@(xn--bcher-kva|bücher)\.de$/);
  });

  it('takes a browser form post and shows a "check your inbox" page', async () => {
    const res = await t.app.request('/api/subscribe', form({ email: 'form@example.com', source: 'form', website: '' }));
    expect(res.status).toBe(202);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('Check your inbox');
    expect((await subscribers())[0]).toMatchObject({ email: 'form@example.com', source: 'form' });
  });

  it('silently drops submissions that fill the honeypot field', async () => {
    const res = await t.app.request('/api/subscribe', form({ email: 'bot@example.com', website: 'http://spam.example' }));
    expect(res.status).toBe(202);
    expect(await subscribers()).toHaveLength(0);
  });

  it('answers cross-origin requests (CORS preflight and response headers)', async () => {
    const preflight = await t.app.request('/api/subscribe', {
      method: 'OPTIONS',
      headers: { origin: 'https://allycaral.blog', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    const res = await t.app.request('/api/subscribe', json({ email: 'x@example.com' }, { origin: 'https://allycaral.blog' }));
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('subscription-bombing defence', () => {
  it('limits requests per IP with 429 and Retry-After, other IPs unaffected', async () => {
    await t.close();
    t = await createTestContext({ env: { SUBSCRIBE_RATE_LIMIT: '3/1m' } });
    const from = (ip: string, n: number) => t.app.request('/api/subscribe', json({ email: `r${n}@example.com` }, { 'x-forwarded-for': ip }));
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await from('198.51.100.1', i)).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
    const limited = await from('198.51.100.1', 9);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect((await from('198.51.100.2', 10)).status).toBe(202);
    expect(await subscribers()).toHaveLength(4);
  });

  it('sends an address at most CONFIRM_MAILS_PER_DAY confirmations however often it is submitted', async () => {
    await t.close();
    const clock = manualClock();
    t = await createTestContext({ clock });
    for (let i = 0; i < 6; i++) {
      // Past the one-confirmation window every time, so only the daily cap holds them back.
      clock.advance(CONFIRM_MAIL_INTERVAL_MS);
      expect((await t.app.request('/api/subscribe', json({ email: 'victim@example.com' }))).status).toBe(202);
      await t.drain();
    }
    await t.drain();
    await t.smtp.waitFor(3);
    expect(t.smtp.messages).toHaveLength(3);
  });
});

describe('public pages', () => {
  it('GET /subscribe is a complete page with the publication and the form', async () => {
    const res = await t.app.request('/subscribe');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Discover more from Allycaral');
    expect(html).toContain('Subscribe to get the latest posts sent to your email');
    expect(html).toMatch(/<form[^>]+action="\/api\/subscribe"/);
    expect(html).toContain('name="website"');
  });

  it('GET /embed shows a snippet to paste, posting to the public URL, and the form it gives', async () => {
    const res = await t.app.request('/embed');
    const html = await res.text();
    const code = html.match(/<code>([^]*?)<\/code>/)![1]!;
    expect(code).toContain('action=&quot;https://news.example.com/api/subscribe&quot;');
    expect(code).not.toContain('&lt;html');
    expect(html).toMatch(/<form[^>]+action="https:\/\/news\.example\.com\/api\/subscribe"/);
  });

  it('GET /health', async () => {
    const res = await t.app.request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});
