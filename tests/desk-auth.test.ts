import { afterEach, describe, expect, it } from 'vitest';
import { createEditor } from '../src/editors/create-editor.js';
import { requestPasswordReset } from '../src/editors/request-password-reset.js';
import { deskBrowser, editorWithPassword, PASSWORD } from './helpers/desk-browser.js';
import { createTestContext, manualClock, type TestContext } from './helpers/test-app.js';

let t: TestContext | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const HOUR = 3_600_000;

describe('the desk sign-in', () => {
  it('takes a new editor from their link to a password, a session, the desk and out again', async () => {
    t = await createTestContext();
    const { editor, link } = await createEditor(t.deps, { email: 'Ada@Example.com' });
    expect(editor).toMatchObject({ email: 'Ada@example.com', role: 'owner', has_password: false });
    expect(link).toMatch(/^https:\/\/news\.example\.com\/admin\/set-password\/[A-Za-z0-9_-]{43}$/);
    const path = new URL(link).pathname;
    const browser = deskBrowser(t.app);

    const page = await browser.get(path);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).toContain('Ada@example.com');
    expect(html).toContain('<label for="password">');

    const mismatch = await browser.post(path, { password: PASSWORD, password_confirm: `${PASSWORD}!` });
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toContain('The two passwords are not the same.');
    const short = await browser.post(path, { password: 'too short', password_confirm: 'too short' });
    expect(short.status).toBe(400);
    expect(await short.text()).toContain('at least 12 characters');

    const set = await browser.post(path, { password: PASSWORD, password_confirm: PASSWORD });
    expect(set.status).toBe(303);
    expect(set.headers.get('location')).toBe('/admin/sign-in?notice=password_set');
    expect(await (await browser.get('/admin/sign-in?notice=password_set')).text()).toContain('Your password is set.');
    // Only the desk's own notices: a name inherited from Object is no notice.
    expect(await (await browser.get('/admin/sign-in?notice=toString')).text()).not.toContain('role="status"');

    const signedIn = await browser.signIn('ada@EXAMPLE.com', PASSWORD);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/admin');
    const cookie = signedIn.headers.getSetCookie().find((c) => c.startsWith('__Host-broadsheet_session='))!;
    expect(cookie).toMatch(/; Max-Age=1209600; Path=\/; HttpOnly; Secure; SameSite=Lax$/);

    const desk = await browser.get('/admin/account');
    expect(desk.status).toBe(200);
    expect(desk.headers.get('cache-control')).toBe('no-store');
    const deskHtml = await desk.text();
    expect(deskHtml).toContain('Signed in as <strong>Ada@example.com</strong> (owner)');
    expect(deskHtml).toContain('<html lang="en">');
    expect(deskHtml.match(/<h1>/g)).toHaveLength(1);
    // Scripts only from files (the desk's CSP allows 'self'), never inline.
    expect(deskHtml).not.toMatch(/<script(?![^>]*\bsrc="\/admin\/assets\/)/);

    const stolen = browser.jar.get('__Host-broadsheet_session')!;
    const out = await browser.post('/admin/sign-out', { csrf: await browser.csrf('/admin') });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/admin/sign-in?notice=signed_out');
    expect(browser.jar.has('__Host-broadsheet_session')).toBe(false);
    // Revoked on the server: a copy of the old cookie lets no one in.
    const replay = await t.app.request('/admin', { headers: { cookie: `__Host-broadsheet_session=${stolen}` } });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toBe('/admin/sign-in?next=%2Fadmin');
  });

  it('lets a link set a password once, and not after 24 hours', async () => {
    const clock = manualClock();
    t = await createTestContext({ clock });
    const browser = deskBrowser(t.app);
    const { path } = await editorWithPassword(t.app, t.deps, 'once@example.com');
    const again = await browser.post(path, { password: 'another long password', password_confirm: 'another long password' });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('This link is not valid, has already been used or has expired.');
    expect((await browser.get(path)).status).toBe(400);
    expect((await browser.signIn('once@example.com', 'another long password')).status).toBe(401);
    expect((await browser.signIn('once@example.com', PASSWORD)).status).toBe(303);

    const late = new URL((await createEditor(t.deps, { email: 'late@example.com' })).link).pathname;
    clock.advance(24 * HOUR - 1);
    expect((await browser.get(late)).status).toBe(200);
    clock.advance(1);
    expect((await browser.get(late)).status).toBe(400);
    expect((await browser.post(late, { password: PASSWORD, password_confirm: PASSWORD })).status).toBe(400);
    const row = await t.deps.db.selectFrom('editors').select(['password_hash']).where('email_normalized', '=', 'late@example.com').executeTakeFirstOrThrow();
    expect(row.password_hash).toBeNull();
    expect((await browser.get('/admin/set-password/not-a-token')).status).toBe(400);
  });

  it('sends every desk page to sign-in without a session, and back there afterwards', async () => {
    t = await createTestContext();
    const anonymous = deskBrowser(t.app);
    for (const path of ['/admin', '/admin/', '/admin/posts?page=2', '/admin/anything/at/all']) {
      const res = await anonymous.get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location'), path).toBe(`/admin/sign-in?next=${encodeURIComponent(path)}`);
    }
    for (const path of ['/admin/sign-out', '/admin/sign-out-everywhere', '/admin/posts']) {
      const res = await anonymous.post(path, { csrf: 'x' });
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location'), path).toBe('/admin/sign-in?next=%2Fadmin');
    }

    await editorWithPassword(t.app, t.deps, 'back@example.com');
    const browser = deskBrowser(t.app);
    const form = await browser.get('/admin/sign-in?next=%2Fadmin%2Fposts%3Fpage%3D2');
    const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const res = await browser.post('/admin/sign-in', { csrf, email: 'back@example.com', password: PASSWORD, next: '/admin/posts?page=2' });
    expect(res.headers.get('location')).toBe('/admin/posts?page=2');
    // Signed in already: the sign-in page sends them on.
    expect((await browser.get('/admin/sign-in')).headers.get('location')).toBe('/admin');
    // Never to another site (four more sign-ins: the account's budget is five).
    for (const next of ['https://evil.example/admin', '//evil.example', '/admin//evil.example', '/\\evil.example']) {
      const other = deskBrowser(t.app);
      const signedIn = await other.post('/admin/sign-in', { csrf: await other.csrf('/admin/sign-in'), email: 'back@example.com', password: PASSWORD, next });
      expect(signedIn.headers.get('location'), next).toBe('/admin');
    }
  });

  it('names the session cookie plainly and without Secure when PUBLIC_URL is http', async () => {
    t = await createTestContext({ env: { PUBLIC_URL: 'http://localhost:3000' } });
    await editorWithPassword(t.app, t.deps, 'local@example.com');
    const browser = deskBrowser(t.app);
    const res = await browser.signIn('local@example.com', PASSWORD);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('broadsheet_session='))!;
    expect(cookie).toMatch(/; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(cookie).not.toContain('Secure');
    expect((await browser.get('/admin')).status).toBe(200);
  });

  it('ends a session after two idle days or fourteen days in all, and records use once a minute', async () => {
    const clock = manualClock();
    t = await createTestContext({ clock });
    await editorWithPassword(t.app, t.deps, 'idle@example.com');
    const browser = deskBrowser(t.app);
    await browser.signIn('idle@example.com', PASSWORD);
    const seen = async () => (await t!.deps.db.selectFrom('editor_sessions').select('last_seen_at').executeTakeFirstOrThrow()).last_seen_at;
    const start = await seen();
    clock.advance(30_000);
    expect((await browser.get('/admin')).status).toBe(200);
    expect(await seen()).toBe(start);
    clock.advance(30_000);
    expect((await browser.get('/admin')).status).toBe(200);
    expect(await seen()).toBe(clock.now().toISOString());

    // Kept alive by use for 13 days, it still ends on the fourteenth.
    for (let day = 0; day < 13; day++) {
      clock.advance(24 * HOUR);
      expect((await browser.get('/admin')).status).toBe(200);
    }
    clock.advance(24 * HOUR);
    expect((await browser.get('/admin')).status).toBe(303);

    await browser.signIn('idle@example.com', PASSWORD);
    clock.advance(48 * HOUR - 1);
    expect((await browser.get('/admin')).status).toBe(200);
    clock.advance(48 * HOUR);
    expect((await browser.get('/admin')).status).toBe(303);
  });

  it('issues a reset link only for an editor, and using it ends their sessions', async () => {
    t = await createTestContext();
    await editorWithPassword(t.app, t.deps, 'reset@example.com');
    const browser = deskBrowser(t.app);
    await browser.signIn('reset@example.com', PASSWORD);

    expect(await requestPasswordReset(t.deps, 'nobody@example.com')).toBeNull();
    expect(await requestPasswordReset(t.deps, 'not an address')).toBeNull();
    const link = await requestPasswordReset(t.deps, 'RESET@example.com');
    expect(link).toMatch(/^https:\/\/news\.example\.com\/admin\/set-password\/[A-Za-z0-9_-]{43}$/);
    const newPassword = 'a brand new long password';
    expect((await deskBrowser(t.app).post(new URL(link!).pathname, { password: newPassword, password_confirm: newPassword })).status).toBe(303);

    expect((await browser.get('/admin')).status).toBe(303);
    expect((await deskBrowser(t.app).signIn('reset@example.com', PASSWORD)).status).toBe(401);
    expect((await deskBrowser(t.app).signIn('reset@example.com', newPassword)).status).toBe(303);
  });

  it('refuses a second editor with the same address and an unknown role', async () => {
    t = await createTestContext();
    await createEditor(t.deps, { email: 'twice@example.com', role: 'editor' });
    await expect(createEditor(t.deps, { email: 'TWICE@example.com' })).rejects.toThrow('There is already an editor with the address TWICE@example.com');
    await expect(createEditor(t.deps, { email: 'boss@example.com', role: 'admin' })).rejects.toThrow('role must be one of owner, editor');
    expect(await t.deps.db.selectFrom('editor_tokens').select('editor_id').execute()).toHaveLength(1);
  });
});
