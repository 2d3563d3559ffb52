import { afterEach, describe, expect, it } from 'vitest';
import { memberLinks } from '../src/subscriptions/member-links.js';
import { createTokens } from '../src/subscriptions/tokens.js';
import type { ReceivedMail } from './helpers/smtp-sink.js';
import { createTestContext, form, json, linkIn, manualClock, type TestContext } from './helpers/test-app.js';

const DAY = 86_400_000;
let t: TestContext;
afterEach(async () => t?.close());

async function setup(options: Parameters<typeof createTestContext>[0] = {}) {
  t = await createTestContext(options);
  await t.deps.db
    .insertInto('settings')
    .values({ key: 'postal_address', value: JSON.stringify('1 Quay Street, Dublin'), updated_at: new Date().toISOString() })
    .execute();
  return t;
}

const path = (url: string) => new URL(url).pathname;
const subscriber = (email: string) =>
  t.deps.db.selectFrom('subscribers').selectAll().where('email_normalized', '=', email.toLowerCase()).executeTakeFirstOrThrow();
const queued = (kind: 'confirm' | 'welcome') =>
  t.deps.db.selectFrom('mail_queue').selectAll().where('kind', '=', kind).execute();
const mailsWithSubject = (prefix: string) => t.smtp.messages.filter((m) => m.parsed.subject?.startsWith(prefix));

/** Runs the worker and returns the one new message it sent. */
async function nextMail(): Promise<ReceivedMail> {
  const before = t.smtp.messages.length;
  await t.drain();
  await t.smtp.waitFor(before + 1);
  expect(t.smtp.messages).toHaveLength(before + 1);
  return t.smtp.messages[before]!;
}

/** Subscribes `email` through the API and returns the confirmation mail with its links. */
async function subscribeAndGetMail(email: string, headers: Record<string, string> = {}) {
  const res = await t.app.request('/api/subscribe', json({ email }, headers));
  expect(res.status).toBe(202);
  const mail = await nextMail();
  return { mail, confirm: path(linkIn(mail.parsed.text!, '/confirm/')), unsubscribe: path(linkIn(mail.parsed.text!, '/unsubscribe/')) };
}

async function activeReader(email: string) {
  const links = await subscribeAndGetMail(email);
  expect((await t.app.request(links.confirm, { method: 'POST' })).status).toBe(200);
  const welcome = await nextMail();
  return { ...links, welcome, manage: path(linkIn(welcome.parsed.text!, '/unsubscribe/')) };
}

/** An error page for a person: HTML, the right status, and nothing of our internals. */
async function expectErrorPage(res: Response, statuses: number[] = [400, 404]) {
  expect(statuses).toContain(res.status);
  expect(res.headers.get('content-type')).toContain('text/html');
  const html = await res.text();
  expect(html).toContain('<html');
  expect(html).not.toMatch(/at .+\(.+:\d+:\d+\)|node_modules|\.ts:\d+|Error:|SQLITE/);
  return html;
}

describe('GET /confirm/:token', () => {
  it('shows a page with a confirm button and confirms no one (link scanners prefetch it)', async () => {
    await setup();
    const { confirm } = await subscribeAndGetMail('ann@example.com');
    for (let i = 0; i < 3; i++) {
      const res = await t.app.request(confirm);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('Confirm your subscription to Allycaral');
      expect(html).toMatch(new RegExp(`<form method="post" action="${confirm}">\\s*<button type="submit">Confirm my subscription</button>`));
    }
    expect((await t.app.request(confirm, { method: 'HEAD' })).status).toBe(200);
    expect(await subscriber('ann@example.com')).toMatchObject({ status: 'pending', confirmed_at: null });
    expect(await queued('welcome')).toHaveLength(0);
  });
});

describe('POST /confirm/:token', () => {
  it('confirms, records when and from where, and sends the welcome mail with unsubscribe headers and footer', async () => {
    const clock = manualClock();
    await setup({ clock });
    const { confirm } = await subscribeAndGetMail('ann@example.com');
    clock.advance(60_000);
    const res = await t.app.request(confirm, { method: 'POST', headers: { 'x-forwarded-for': '198.51.100.9' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('You are subscribed');
    expect(await subscriber('ann@example.com')).toMatchObject({
      status: 'active',
      confirmed_at: clock.now().toISOString(),
      confirm_ip: '198.51.100.9',
    });

    const welcome = await nextMail();
    expect(welcome.envelope.to).toEqual(['ann@example.com']);
    expect(welcome.parsed.subject).toBe('Welcome to Allycaral');
    const unsubscribeUrl = linkIn(welcome.parsed.text!, '/unsubscribe/');
    expect(welcome.header('List-Unsubscribe')).toBe(`<${unsubscribeUrl}>`);
    expect(welcome.header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    // Footer: the publication's name, its postal address and the unsubscribe link, in both parts.
    for (const part of [welcome.parsed.text!, welcome.parsed.html as string]) {
      expect(part).toContain('Allycaral');
      expect(part).toContain('1 Quay Street, Dublin');
    }
    expect(welcome.parsed.html).toContain(`href="${unsubscribeUrl}"`);
  });

  it('is idempotent: a second click says "already subscribed" and no second welcome is sent', async () => {
    await setup();
    const { confirm } = await subscribeAndGetMail('ann@example.com');
    expect((await t.app.request(confirm, { method: 'POST' })).status).toBe(200);
    const again = await t.app.request(confirm, { method: 'POST' });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('You are already subscribed');
    await t.drain();
    expect(await queued('welcome')).toHaveLength(1);
    expect(mailsWithSubject('Welcome')).toHaveLength(1);
  });

  it('confirms once when two clicks race', async () => {
    await setup();
    const { confirm } = await subscribeAndGetMail('ann@example.com');
    const results = await Promise.all([1, 2, 3].map(() => t.app.request(confirm, { method: 'POST' })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    await t.drain();
    expect(await queued('welcome')).toHaveLength(1);
    expect(mailsWithSubject('Welcome')).toHaveLength(1);
  });
});

describe('bad confirmation links', () => {
  async function badTokens() {
    const { confirm, unsubscribe } = await subscribeAndGetMail('ann@example.com');
    const token = confirm.slice('/confirm/'.length);
    const [id, issued, mac] = token.split('.') as [string, string, string];
    const flipped = `${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`;
    return {
      'a flipped MAC character': `${id}.${issued}.${flipped}`,
      'another subscriber id with the same MAC': `${(parseInt(id, 36) + 1).toString(36)}.${issued}.${mac}`,
      'a later issue time with the same MAC': `${id}.${(parseInt(issued, 36) + DAY).toString(36)}.${mac}`,
      'a token signed with another secret': createTokens('another-secret-another-secret-another-1').sign('confirm', parseInt(id, 36), new Date()),
      'a truncated token': token.slice(0, -3),
      'a token without its MAC': `${id}.${issued}`,
      'an unsubscribe token (wrong purpose)': unsubscribe.slice('/unsubscribe/'.length),
      'garbage': 'not-a-token',
      'a very long token': 'a'.repeat(5000),
      'an encoded NUL and quotes': '%00%22%3Cscript%3E',
    };
  }

  it('forged, truncated and wrong-purpose tokens get a 400 page on GET and POST and change nothing', async () => {
    await setup();
    for (const [what, token] of Object.entries(await badTokens())) {
      for (const method of ['GET', 'POST']) {
        const res = await t.app.request(`/confirm/${token}`, { method });
        const html = await expectErrorPage(res, [400]).catch((e: Error) => {
          throw new Error(`${method} with ${what}: ${e.message}`);
        });
        expect(html, what).toContain('not valid');
      }
    }
    expect(await subscriber('ann@example.com')).toMatchObject({ status: 'pending', confirmed_at: null });
    expect(await queued('welcome')).toHaveLength(0);
  });

  it('an expired link gets a 400 page saying so, on GET and POST, and confirms no one', async () => {
    const clock = manualClock();
    await setup({ clock });
    const { confirm } = await subscribeAndGetMail('ann@example.com');
    clock.advance(7 * DAY + 1000);
    for (const method of ['GET', 'POST']) {
      const html = await expectErrorPage(await t.app.request(confirm, { method }), [400]);
      expect(html).toContain('expired');
    }
    expect(await subscriber('ann@example.com')).toMatchObject({ status: 'pending' });
    expect(await queued('welcome')).toHaveLength(0);
  });

  it('a valid token for a subscriber who no longer exists gets a 404 page', async () => {
    await setup();
    const { confirm } = await subscribeAndGetMail('ann@example.com');
    await t.deps.db.deleteFrom('subscribers').execute();
    await expectErrorPage(await t.app.request(confirm, { method: 'POST' }), [404]);
  });

  it('a confirmation link mailed before an unsubscribe cannot subscribe the reader again', async () => {
    const clock = manualClock();
    await setup({ clock });
    // The pending reader uses the one-click unsubscribe of the confirmation mail itself,
    // in the same millisecond the link was issued.
    const { confirm, unsubscribe } = await subscribeAndGetMail('ann@example.com');
    expect((await t.app.request(unsubscribe, form({ 'List-Unsubscribe': 'One-Click' }))).status).toBe(200);
    await expectErrorPage(await t.app.request(confirm, { method: 'POST' }), [400]);
    clock.advance(60_000);
    await expectErrorPage(await t.app.request(confirm, { method: 'POST' }), [400]);
    expect(await subscriber('ann@example.com')).toMatchObject({ status: 'unsubscribed', confirmed_at: null });

    // An active reader who leaves cannot be brought back by the old link either.
    const bob = await activeReader('bob@example.com');
    clock.advance(60_000);
    expect((await t.app.request(bob.manage, { method: 'POST' })).status).toBe(200);
    clock.advance(60_000);
    await expectErrorPage(await t.app.request(bob.confirm, { method: 'POST' }), [400]);
    expect(await subscriber('bob@example.com')).toMatchObject({ status: 'unsubscribed' });
    expect(mailsWithSubject('Welcome')).toHaveLength(1);
  });

  it('a reader who left and subscribes again can confirm with the new link', async () => {
    const clock = manualClock();
    await setup({ clock });
    const first = await activeReader('ann@example.com');
    clock.advance(60_000);
    await t.app.request(first.manage, { method: 'POST' });
    clock.advance(60_000);
    const second = await subscribeAndGetMail('ann@example.com');
    clock.advance(60_000);
    const res = await t.app.request(second.confirm, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You are subscribed');
    expect(await subscriber('ann@example.com')).toMatchObject({ status: 'active', unsubscribed_at: null });
    await t.drain();
    expect(mailsWithSubject('Welcome')).toHaveLength(2);
  });
});

describe('unsubscribe', () => {
  it('GET shows a page with the address and a button, and unsubscribes no one', async () => {
    await setup();
    const { manage } = await activeReader('ann@example.com');
    const res = await t.app.request(manage);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Unsubscribe from Allycaral');
    expect(html).toContain('ann@example.com');
    expect(html).toMatch(new RegExp(`<form method="post" action="${manage}">\\s*<button type="submit">Unsubscribe</button>`));
    expect(await subscriber('ann@example.com')).toMatchObject({ status: 'active' });
  });

  it('POST from the page unsubscribes and says so', async () => {
    const clock = manualClock();
    await setup({ clock });
    const { manage } = await activeReader('ann@example.com');
    clock.advance(60_000);
    const res = await t.app.request(manage, form({}));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You are unsubscribed');
    expect(await subscriber('ann@example.com')).toMatchObject({ status: 'unsubscribed', unsubscribed_at: clock.now().toISOString() });
  });

  it('takes the RFC 8058 one-click POST (no cookies, no CSRF token) and is idempotent', async () => {
    const clock = manualClock();
    await setup({ clock });
    const { welcome } = await activeReader('ann@example.com');
    const target = welcome.header('List-Unsubscribe')!.match(/^<(https:[^>]+)>$/)![1]!;
    const oneClick = () =>
      t.app.request(path(target), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
    clock.advance(60_000);
    const first = await oneClick();
    expect(first.status).toBe(200);
    const at = clock.now().toISOString();
    expect(await subscriber('ann@example.com')).toMatchObject({ status: 'unsubscribed', unsubscribed_at: at });

    clock.advance(60_000);
    const second = await oneClick();
    expect(second.status).toBe(200);
    expect(await second.text()).toContain('You are unsubscribed');
    // The repeat changes nothing, not even the time of leaving.
    expect(await subscriber('ann@example.com')).toMatchObject({ status: 'unsubscribed', unsubscribed_at: at });
  });

  it('a pending reader can leave before the confirmation goes out, and it is then not sent', async () => {
    await setup();
    await t.app.request('/api/subscribe', json({ email: 'ann@example.com' }));
    const ann = await subscriber('ann@example.com');
    const { unsubscribe_url } = memberLinks(t.config.publicUrl, t.deps.tokens, ann.id);
    expect((await t.app.request(path(unsubscribe_url), form({ 'List-Unsubscribe': 'One-Click' }))).status).toBe(200);
    expect(await subscriber('ann@example.com')).toMatchObject({ status: 'unsubscribed' });
    await t.drain();
    expect(t.smtp.messages).toHaveLength(0);
    expect(await queued('confirm')).toMatchObject([{ status: 'skipped' }]);
  });

  it('a forged or wrong-purpose unsubscribe token gets a 400 page and changes nothing', async () => {
    await setup();
    const { manage, confirm } = await activeReader('ann@example.com');
    const bad = [`${manage.slice(0, -1)}${manage.endsWith('A') ? 'B' : 'A'}`, `/unsubscribe/${confirm.slice('/confirm/'.length)}`, '/unsubscribe/nope'];
    for (const url of bad) {
      await expectErrorPage(await t.app.request(url), [400]);
      await expectErrorPage(await t.app.request(url, form({ 'List-Unsubscribe': 'One-Click' })), [400]);
    }
    expect(await subscriber('ann@example.com')).toMatchObject({ status: 'active' });
  });
});

describe('/preferences/:token', () => {
  const preferencesOf = (manage: string) => manage.replace('/unsubscribe/', '/preferences/');

  it('shows the address, the status and the name, and saves a new name', async () => {
    await setup();
    const { manage } = await activeReader('ann@example.com');
    const url = preferencesOf(manage);
    const page = await (await t.app.request(url)).text();
    expect(page).toContain('ann@example.com');
    expect(page).toContain('subscribed');
    expect(page).toMatch(/name="name"[^>]*value=""/);

    const res = await t.app.request(url, form({ action: 'save', name: '  Ann Reader ' }));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Your details are saved.');
    expect(html).toContain('value="Ann Reader"');
    expect(await subscriber('ann@example.com')).toMatchObject({ name: 'Ann Reader', status: 'active' });
  });

  it('refuses a bad name with a 400 page and keeps the old one', async () => {
    await setup();
    const { manage } = await activeReader('ann@example.com');
    const url = preferencesOf(manage);
    await t.app.request(url, form({ action: 'save', name: 'Ann' }));
    await expectErrorPage(await t.app.request(url, form({ action: 'save', name: 'Ann\r\nBcc: x@example.com' })), [400]);
    await expectErrorPage(await t.app.request(url, form({ action: 'save', name: 'x'.repeat(101) })), [400]);
    await expectErrorPage(await t.app.request(url, form({ action: 'explode' })), [400]);
    expect(await subscriber('ann@example.com')).toMatchObject({ name: 'Ann', status: 'active' });
  });

  it('leave unsubscribes; resubscribe from the (forwardable) link only mails a confirmation, whose POST brings the reader back', async () => {
    const clock = manualClock();
    await setup({ clock });
    const { manage } = await activeReader('ann@example.com');
    const url = preferencesOf(manage);
    clock.advance(60_000);
    const left = await t.app.request(url, form({ action: 'leave' }));
    expect(await left.text()).toContain('You are unsubscribed');
    expect(await subscriber('ann@example.com')).toMatchObject({ status: 'unsubscribed' });

    clock.advance(60_000);
    const back = await t.app.request(url, form({ action: 'resubscribe' }));
    expect(back.status).toBe(200);
    const page = await back.text();
    expect(page).toContain('Check your inbox');
    expect(page).not.toContain('Welcome back');
    expect(await subscriber('ann@example.com')).toMatchObject({ status: 'unsubscribed' });
    // Pressing again (or a second person holding the link) sends nothing more.
    expect((await t.app.request(url, form({ action: 'resubscribe' }))).status).toBe(200);

    const mail = await nextMail();
    expect(mail.envelope.to).toEqual(['ann@example.com']);
    expect(mail.parsed.subject).toBe('Confirm your subscription to Allycaral');
    expect(mailsWithSubject('Confirm')).toHaveLength(2);
    expect(await subscriber('ann@example.com')).toMatchObject({ status: 'unsubscribed' });

    clock.advance(60_000);
    const confirm = path(linkIn(mail.parsed.text!, '/confirm/'));
    // Opening the link confirms nothing (scanners prefetch it); the button's POST does.
    expect((await t.app.request(confirm)).status).toBe(200);
    expect(await subscriber('ann@example.com')).toMatchObject({ status: 'unsubscribed' });
    const confirmed = await t.app.request(confirm, { method: 'POST' });
    expect(confirmed.status).toBe(200);
    expect(await subscriber('ann@example.com')).toMatchObject({ status: 'active', unsubscribed_at: null });
  });

  it('a reader who never confirmed gets a new confirmation mail instead, whose link works', async () => {
    const clock = manualClock();
    await setup({ clock });
    const { unsubscribe } = await subscribeAndGetMail('ann@example.com');
    clock.advance(60_000);
    await t.app.request(unsubscribe, form({ 'List-Unsubscribe': 'One-Click' }));
    clock.advance(60_000);
    const res = await t.app.request(preferencesOf(unsubscribe), form({ action: 'resubscribe' }));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Check your inbox');
    expect(await subscriber('ann@example.com')).toMatchObject({ status: 'unsubscribed' });

    const mail = await nextMail();
    expect(mail.parsed.subject).toBe('Confirm your subscription to Allycaral');
    clock.advance(60_000);
    const confirmed = await t.app.request(path(linkIn(mail.parsed.text!, '/confirm/')), { method: 'POST' });
    expect(confirmed.status).toBe(200);
    expect(await subscriber('ann@example.com')).toMatchObject({ status: 'active' });
  });

  it('a bounced address cannot resubscribe itself', async () => {
    await setup();
    const { manage } = await activeReader('ann@example.com');
    await t.deps.db.updateTable('subscribers').set({ status: 'bounced' }).execute();
    const html = await expectErrorPage(await t.app.request(preferencesOf(manage), form({ action: 'resubscribe' })), [400]);
    expect(html).toContain('could not be delivered');
    expect(await subscriber('ann@example.com')).toMatchObject({ status: 'bounced' });
    await t.drain();
    expect(await queued('confirm')).toHaveLength(1);
  });
});

describe('delivery of confirmations', () => {
  it('an SMTP 550 for the address marks the subscriber bounced and is not retried', async () => {
    await setup({ smtp: { onRecipient: (a) => (a === 'nobody@example.com' ? { code: 550, message: '5.1.1 No such user' } : undefined) } });
    expect((await t.app.request('/api/subscribe', json({ email: 'nobody@example.com' }))).status).toBe(202);
    await t.drain();
    expect(await subscriber('nobody@example.com')).toMatchObject({ status: 'bounced' });
    const [job] = await queued('confirm');
    expect(job).toMatchObject({ status: 'failed', attempts: 1 });
    expect(job!.last_error).toContain('550');
    expect(t.smtp.messages).toHaveLength(0);

    // Submitting the form again sends nothing more to an address that does not exist.
    expect((await t.app.request('/api/subscribe', json({ email: 'nobody@example.com' }))).status).toBe(202);
    await t.drain();
    expect(await queued('confirm')).toHaveLength(1);
  });

  it('an SMTP 451 is retried with backoff until the mail is delivered', async () => {
    let refusals = 2;
    await setup({ smtp: { onRecipient: () => (refusals-- > 0 ? { code: 451, message: '4.7.1 Try again later' } : undefined) } });
    const worker = t.startWorker();
    expect((await t.app.request('/api/subscribe', json({ email: 'ann@example.com' }))).status).toBe(202);
    const [mail] = await t.smtp.waitFor(1);
    expect(mail!.parsed.subject).toBe('Confirm your subscription to Allycaral');
    await worker.stop();
    const [job] = await queued('confirm');
    expect(job).toMatchObject({ status: 'sent', attempts: 3 });
    expect(job!.last_error).toContain('451');
    expect(await subscriber('ann@example.com')).toMatchObject({ status: 'pending' });
  });
});

describe('consent record', () => {
  it('keeps when, from which IP and user agent, and through which form each reader subscribed', async () => {
    const clock = manualClock();
    await setup({ clock });
    // The trusted proxy appends the address it saw (203.0.113.7); what the client put before it is spoofable.
    const headers = { 'x-forwarded-for': '198.51.100.250, 203.0.113.7', 'user-agent': 'Mozilla/5.0 (Reader)' };
    await t.app.request('/api/subscribe', form({ email: 'page@example.com', source: 'form', website: '' }, headers));
    clock.advance(1000);
    await t.app.request('/api/subscribe', form({ email: 'embed@example.com', source: 'embed', website: '' }, headers));
    clock.advance(1000);
    await t.app.request('/api/subscribe', json({ email: 'api@example.com' }, { 'user-agent': 'x'.repeat(2000) }));

    const start = manualClock().now().getTime();
    expect(await subscriber('page@example.com')).toMatchObject({
      source: 'form',
      consent_ip: '203.0.113.7',
      consent_user_agent: 'Mozilla/5.0 (Reader)',
      consent_at: new Date(start).toISOString(),
    });
    expect(await subscriber('embed@example.com')).toMatchObject({ source: 'embed', consent_at: new Date(start + 1000).toISOString() });
    const api = await subscriber('api@example.com');
    expect(api).toMatchObject({ source: 'api', consent_ip: null, consent_at: new Date(start + 2000).toISOString() });
    expect(api.consent_user_agent).toHaveLength(500);
  });

  it('a later request replaces the consent details that a confirmation will prove', async () => {
    const clock = manualClock();
    await setup({ clock });
    await t.app.request('/api/subscribe', json({ email: 'ann@example.com' }, { 'x-forwarded-for': '192.0.2.1', 'user-agent': 'Old' }));
    await t.drain();
    clock.advance(3_600_000);
    await t.app.request('/api/subscribe', form({ email: 'ann@example.com', source: 'embed' }, { 'x-forwarded-for': '192.0.2.2', 'user-agent': 'New' }));
    expect(await subscriber('ann@example.com')).toMatchObject({
      source: 'embed',
      consent_ip: '192.0.2.2',
      consent_user_agent: 'New',
      consent_at: clock.now().toISOString(),
    });
  });
});
