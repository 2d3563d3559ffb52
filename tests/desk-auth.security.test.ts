import { afterEach, describe, expect, it } from 'vitest';
import { createEditor } from '../src/editors/create-editor.js';
import { PBKDF2_ITERATIONS, verifyPassword } from '../src/editors/password-hash.js';
import { deskBrowser, editorWithPassword, PASSWORD, type DeskBrowser } from './helpers/desk-browser.js';
import { createTestContext, manualClock, type TestContext } from './helpers/test-app.js';

let t: TestContext | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function signedIn(email = 'ed@example.com'): Promise<DeskBrowser> {
  t = await createTestContext({ clock: manualClock() });
  await editorWithPassword(t.app, t.deps, email);
  const browser = deskBrowser(t.app);
  expect((await browser.signIn(email, PASSWORD)).status).toBe(303);
  return browser;
}

const liveSessions = () => t!.deps.db.selectFrom('editor_sessions').select('id').where('revoked_at', 'is', null).execute();

describe('desk forms refuse requests that did not come from the desk', () => {
  it('refuses a POST without, or with a wrong, CSRF token, or from another site, with 403 and changes nothing', async () => {
    const browser = await signedIn();
    const csrf = await browser.csrf('/admin');
    const attempts: Array<[string, Record<string, string>, Record<string, string>]> = [
      ['no token', {}, {}],
      ['empty token', { csrf: '' }, {}],
      ['wrong token', { csrf: `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}` }, {}],
      ['other Origin', { csrf }, { origin: 'https://evil.example' }],
      ['null Origin', { csrf }, { origin: 'null' }],
      ['null Origin, cross-site', { csrf }, { origin: 'null', 'sec-fetch-site': 'cross-site' }],
      ['cross-site fetch', { csrf }, { 'sec-fetch-site': 'cross-site' }],
      ['sibling subdomain', { csrf }, { 'sec-fetch-site': 'same-site' }],
    ];
    for (const path of ['/admin/sign-out', '/admin/sign-out-everywhere']) {
      for (const [what, fields, headers] of attempts) {
        const res = await browser.post(path, fields, headers);
        expect(res.status, `${path}: ${what}`).toBe(403);
        expect(res.headers.get('content-type'), what).toContain('text/html');
      }
    }
    // JSON is no way around the form token either.
    const asJson = await browser.request('/admin/sign-out', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ csrf }) });
    expect(asJson.status).toBe(403);
    expect(await liveSessions()).toHaveLength(1);
    expect((await browser.get('/admin')).status).toBe(200);

    // The desk's own origin and a same-origin fetch pass, and so does the `Origin: null` that
    // privacy settings make a browser send with a same-origin form (its Fetch Metadata vouches).
    const ok = await browser.post('/admin/sign-out', { csrf }, { origin: 'null', 'sec-fetch-site': 'same-origin' });
    expect(ok.status).toBe(303);
    expect(await liveSessions()).toHaveLength(0);
  });

  it('binds the CSRF token to the session: another session’s token is refused', async () => {
    const browser = await signedIn();
    const other = deskBrowser(t!.app);
    await other.signIn('ed@example.com', PASSWORD);
    const othersToken = await other.csrf('/admin');
    expect(othersToken).not.toBe(await browser.csrf('/admin'));
    expect((await browser.post('/admin/sign-out', { csrf: othersToken })).status).toBe(403);
    expect(await liveSessions()).toHaveLength(2);
  });

  it('refuses a sign-in form without its double-submit cookie, or from another site', async () => {
    t = await createTestContext();
    await editorWithPassword(t.app, t.deps, 'ed@example.com');
    const fields = { email: 'ed@example.com', password: PASSWORD, next: '/admin' };

    const browser = deskBrowser(t.app);
    const csrf = await browser.csrf('/admin/sign-in');
    const fresh = deskBrowser(t.app);
    expect((await fresh.post('/admin/sign-in', { ...fields, csrf })).status).toBe(403);
    expect((await browser.post('/admin/sign-in', { ...fields, csrf: 'forged' })).status).toBe(403);
    expect((await browser.post('/admin/sign-in', { ...fields, csrf }, { origin: 'https://evil.example' })).status).toBe(403);
    const set = await deskBrowser(t.app).post('/admin/set-password/whatever', { password: PASSWORD, password_confirm: PASSWORD }, { 'sec-fetch-site': 'cross-site' });
    expect(set.status).toBe(403);
    expect(await liveSessions()).toHaveLength(0);
    expect((await browser.post('/admin/sign-in', { ...fields, csrf })).status).toBe(303);
  });
});

describe('wrong passwords', () => {
  it('answers an unknown address, a wrong password and an editor without a password alike', async () => {
    t = await createTestContext();
    await editorWithPassword(t.app, t.deps, 'known@example.com');
    await createEditor(t.deps, { email: 'nopass@example.com' });
    // One browser, so the pages differ by nothing but what the server decided.
    const browser = deskBrowser(t.app);
    const attempt = async (email: string, password: string) => {
      const started = performance.now();
      const res = await browser.signIn(email, password);
      return { status: res.status, body: (await res.text()).replaceAll(email, 'EMAIL'), ms: performance.now() - started };
    };
    const unknown = await attempt('unknown@example.com', PASSWORD);
    const wrong = await attempt('known@example.com', 'not the password at all');
    const noPassword = await attempt('nopass@example.com', PASSWORD);
    const garbage = await attempt('not an address', PASSWORD);
    for (const answer of [unknown, wrong, noPassword, garbage]) {
      expect(answer.status).toBe(401);
      expect(answer.body).toBe(wrong.body);
    }
    expect(wrong.body).toContain('The email address or the password is not right.');
    // Each one costs a PBKDF2 run: an unknown address is not answered noticeably faster.
    expect(unknown.ms).toBeGreaterThan(wrong.ms / 3);
    expect(await liveSessions()).toHaveLength(0);
  });

  it('refuses an account with 429 after 5 attempts in 15 minutes, even with the right password', async () => {
    const clock = manualClock();
    t = await createTestContext({ clock });
    await editorWithPassword(t.app, t.deps, 'target@example.com');
    const browser = deskBrowser(t.app);
    const from = (n: number) => ({ 'x-forwarded-for': `203.0.113.${n}` });
    for (let i = 0; i < 5; i++) expect((await browser.signIn('target@example.com', 'guess number ' + i, from(i))).status).toBe(401);
    const limited = await browser.signIn('Target@example.com', PASSWORD, from(9));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBe(900);
    expect(await limited.text()).toContain('Too many sign-in attempts. For your account&#39;s safety, wait 15 minutes before trying again.');
    // Other accounts are untouched; the budget returns after the window.
    await editorWithPassword(t.app, t.deps, 'other@example.com');
    expect((await deskBrowser(t.app).signIn('other@example.com', PASSWORD, from(9))).status).toBe(303);
    clock.advance(15 * 60_000);
    expect((await deskBrowser(t.app).signIn('target@example.com', PASSWORD, from(9))).status).toBe(303);
  });

  it('refuses a client with 429 after 20 attempts in 15 minutes, across accounts', async () => {
    t = await createTestContext();
    await editorWithPassword(t.app, t.deps, 'mine@example.com');
    const browser = deskBrowser(t.app);
    const attacker = { 'x-forwarded-for': '2001:db8:1:2::7' };
    for (let i = 0; i < 20; i++) expect((await browser.signIn(`spray${i}@example.com`, PASSWORD, attacker)).status).toBe(401);
    // The same /64 is the same client.
    expect((await browser.signIn('mine@example.com', PASSWORD, { 'x-forwarded-for': '2001:db8:1:2::99' })).status).toBe(429);
    expect((await deskBrowser(t.app).signIn('mine@example.com', PASSWORD, { 'x-forwarded-for': '198.51.100.1' })).status).toBe(303);
  });
});

describe('sessions and stored secrets', () => {
  it('signs out everywhere: every other session of the editor ends, other editors’ do not', async () => {
    const laptop = await signedIn('many@example.com');
    const phone = deskBrowser(t!.app);
    await phone.signIn('many@example.com', PASSWORD);
    await editorWithPassword(t!.app, t!.deps, 'colleague@example.com');
    const colleague = deskBrowser(t!.app);
    await colleague.signIn('colleague@example.com', PASSWORD);

    const res = await phone.post('/admin/sign-out-everywhere', { csrf: await phone.csrf('/admin') });
    expect(res.headers.get('location')).toBe('/admin/sign-in?notice=signed_out_everywhere');
    expect((await laptop.get('/admin')).status).toBe(303);
    expect((await phone.get('/admin')).status).toBe(303);
    expect((await colleague.get('/admin')).status).toBe(200);
  });

  it('stores a PBKDF2 hash at 600000 iterations, never the password, and the session cookie only hashed', async () => {
    const browser = await signedIn('vault@example.com');
    const editor = await t!.deps.db.selectFrom('editors').selectAll().executeTakeFirstOrThrow();
    expect(editor.password_hash).not.toContain(PASSWORD);
    expect(editor.password_hash).toMatch(/^pbkdf2-sha256\$600000\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(PBKDF2_ITERATIONS).toBe(600_000);
    expect(await verifyPassword(PASSWORD, editor.password_hash!)).toBe(true);
    expect(await verifyPassword(`${PASSWORD} `, editor.password_hash!)).toBe(false);

    const cookie = browser.jar.get('__Host-broadsheet_session')!;
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const everything = JSON.stringify([
      await t!.deps.db.selectFrom('editor_sessions').selectAll().execute(),
      await t!.deps.db.selectFrom('editor_tokens').selectAll().execute(),
      await t!.deps.db.selectFrom('rate_limit_windows').selectAll().execute(),
    ]);
    expect(everything).not.toContain(cookie);
    expect(everything).not.toContain(PASSWORD);
    const [session] = await t!.deps.db.selectFrom('editor_sessions').select('id').execute();
    expect(session!.id).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses passwords under 12 or over 256 characters with a clear message', async () => {
    t = await createTestContext();
    const path = new URL((await createEditor(t.deps, { email: 'rules@example.com' })).link).pathname;
    const browser = deskBrowser(t.app);
    const long = 'x'.repeat(257);
    const tooLong = await browser.post(path, { password: long, password_confirm: long });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.text()).toContain('Choose a password of at most 256 characters.');
    // Characters, not UTF-16 units: twelve emoji are long enough.
    const emoji = '🔑'.repeat(12);
    expect((await browser.post(path, { password: emoji, password_confirm: emoji })).status).toBe(303);
  });
});
