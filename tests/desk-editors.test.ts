import { afterEach, describe, expect, it } from 'vitest';
import { createEditor } from '../src/editors/create-editor.js';
import { listEditors } from '../src/editors/list-editors.js';
import { deskBrowser, editorWithPassword, PASSWORD } from './helpers/desk-browser.js';
import { deskClient } from './helpers/desk-client.js';
import { createTestContext, linkIn, type TestContext } from './helpers/test-app.js';

let t: TestContext | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** Long enough for a background send to reach the sink had one been started. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('inviting editors from the desk', () => {
  it('mails the new editor a link that lets them set a password and sign in', async () => {
    t = await createTestContext();
    const owner = await deskClient(t);
    const page = await owner.request('/admin/settings');
    expect(await page.text()).toContain('href="/admin/settings/editors"');
    expect((await owner.request('/admin/settings/editors')).status).toBe(200);

    const res = await owner.submit('/admin/settings/editors', { email: 'Ed@Example.com', role: 'editor' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Invitation sent to Ed@example.com.');

    const [mail] = await t.smtp.waitFor(1);
    expect(mail!.envelope.to).toEqual(['Ed@example.com']);
    expect(mail!.parsed.from?.value).toEqual([{ name: 'Allycaral', address: 'newsletter@example.com' }]);
    expect(mail!.parsed.to).toMatchObject({ value: [{ address: 'Ed@example.com' }] });
    expect(mail!.parsed.subject).toBe('Your invitation to the desk of Allycaral');
    expect(mail!.parsed.messageId).toMatch(/^<editor-[0-9a-f-]{36}\.[^@]+@example\.com>$/);
    expect(mail!.header('auto-submitted')).toBe('auto-generated');
    expect(mail!.header('list-unsubscribe')).toBeUndefined();
    expect(mail!.header('precedence')).toBeUndefined();
    expect(mail!.parsed.text).toContain('The link works once, for 24 hours.');

    const link = linkIn(mail!.parsed.text!, '/admin/set-password/');
    expect(mail!.parsed.html).toContain(`href="${link}"`);
    const ed = deskBrowser(t.app);
    expect((await ed.post(new URL(link).pathname, { password: PASSWORD, password_confirm: PASSWORD })).status).toBe(303);
    expect((await ed.signIn('ed@example.com', PASSWORD)).status).toBe(303);
    expect((await ed.get('/admin')).status).toBe(200);
    expect(await listEditors(t.deps)).toMatchObject([{ email: 'owner@example.com' }, { email: 'Ed@example.com', role: 'editor', has_password: true }]);
    expect(await (await owner.request('/admin/settings/editors')).text()).toContain('Ed@example.com');
  });

  it('refuses an existing address and an address with a line break, sending nothing', async () => {
    t = await createTestContext();
    const owner = await deskClient(t);
    const exists = await owner.submit('/admin/settings/editors', { email: 'OWNER@example.com', role: 'owner' });
    expect(exists.status).toBe(409);
    expect(await exists.text()).toContain('Nothing was sent.');

    const injected = await owner.submit('/admin/settings/editors', { email: 'x@example.com\r\nBcc: y@example.com', role: 'editor' });
    expect(injected.status).toBe(422);
    expect(await injected.text()).toContain('line breaks');
    const badRole = await owner.submit('/admin/settings/editors', { email: 'z@example.com', role: 'admin' });
    expect(badRole.status).toBe(422);

    await settle();
    expect(t.smtp.messages).toHaveLength(0);
    expect(await listEditors(t.deps)).toHaveLength(1);
  });

  it('is for owners only: an editor gets 403 and creates nobody', async () => {
    t = await createTestContext();
    await editorWithPassword(t.app, t.deps, 'owner@example.com');
    const { link } = await createEditor(t.deps, { email: 'ed@example.com', role: 'editor' });
    const ed = deskBrowser(t.app);
    expect((await ed.post(new URL(link).pathname, { password: PASSWORD, password_confirm: PASSWORD })).status).toBe(303);
    expect((await ed.signIn('ed@example.com', PASSWORD)).status).toBe(303);
    const csrf = await ed.csrf('/admin/account');

    expect((await ed.get('/admin/settings/editors')).status).toBe(403);
    expect(await (await ed.get('/admin/settings')).text()).not.toContain('href="/admin/settings/editors"');
    expect((await ed.post('/admin/settings/editors', { csrf, email: 'new@example.com', role: 'owner' })).status).toBe(403);
    expect((await ed.post('/admin/settings/editors/1/disable', { csrf })).status).toBe(403);
    expect((await listEditors(t.deps))[0]!.disabled_at).toBeNull();
    await settle();
    expect(t.smtp.messages).toHaveLength(0);
    expect(await listEditors(t.deps)).toHaveLength(2);
  });
});

describe('disabling an editor', () => {
  it('ends their sessions and sign-ins until they are enabled again; an owner cannot disable themselves', async () => {
    t = await createTestContext();
    const owner = await deskClient(t);
    const { editor } = await editorWithPassword(t.app, t.deps, 'ed@example.com');
    const ed = deskBrowser(t.app);
    expect((await ed.signIn('ed@example.com', PASSWORD)).status).toBe(303);

    const disabled = await owner.submit(`/admin/settings/editors/${editor.id}/disable`, {});
    expect(disabled.status).toBe(303);
    expect(disabled.headers.get('location')).toBe('/admin/settings/editors?done=disabled');
    const page = await (await owner.request('/admin/settings/editors?done=disabled')).text();
    expect(page).toContain('signed out everywhere');
    expect(page).toContain(`action="/admin/settings/editors/${editor.id}/enable"`);
    expect((await ed.get('/admin')).status).toBe(303);
    expect((await deskBrowser(t.app).signIn('ed@example.com', PASSWORD)).status).toBe(401);
    const visitor = deskBrowser(t.app);
    const csrf = await visitor.csrf('/admin/forgot-password');
    expect((await visitor.post('/admin/forgot-password', { csrf, email: 'ed@example.com' })).status).toBe(200);
    await settle();
    expect(t.smtp.messages).toHaveLength(0);

    const self = (await listEditors(t.deps)).find((e) => e.email === 'owner@example.com')!;
    expect((await owner.submit(`/admin/settings/editors/${self.id}/disable`, {})).status).toBe(400);
    expect((await owner.request('/admin/settings/editors')).status).toBe(200);

    expect((await owner.submit(`/admin/settings/editors/${editor.id}/enable`, {})).status).toBe(303);
    // The old cookie stays dead; a new sign-in works.
    expect((await ed.get('/admin')).status).toBe(303);
    expect((await deskBrowser(t.app).signIn('ed@example.com', PASSWORD)).status).toBe(303);
    expect((await owner.submit('/admin/settings/editors/999/disable', {})).status).toBe(404);
  });
});

describe('a forgotten password', () => {
  it('answers the same for a known and an unknown address, and mails only the known one a working link', async () => {
    t = await createTestContext();
    await editorWithPassword(t.app, t.deps, 'owner@example.com');
    const old = deskBrowser(t.app);
    expect((await old.signIn('owner@example.com', PASSWORD)).status).toBe(303);
    expect((await old.get('/admin')).status).toBe(200);

    expect(await (await deskBrowser(t.app).get('/admin/sign-in')).text()).toContain('href="/admin/forgot-password"');
    const visitor = deskBrowser(t.app);
    const csrf = await visitor.csrf('/admin/forgot-password');
    const known = await visitor.post('/admin/forgot-password', { csrf, email: 'Owner@example.com' });
    const unknown = await visitor.post('/admin/forgot-password', { csrf, email: 'nobody@example.com' });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    const knownBody = await known.text();
    expect(knownBody).toContain('If that address has a desk account, a link is on its way');
    expect(await unknown.text()).toBe(knownBody);
    expect([...known.headers].filter(([name]) => name !== 'date')).toEqual([...unknown.headers].filter(([name]) => name !== 'date'));

    const [mail] = await t.smtp.waitFor(1);
    await settle();
    expect(t.smtp.messages).toHaveLength(1);
    expect(mail!.envelope.to).toEqual(['Owner@example.com']);
    expect(mail!.parsed.subject).toBe('Reset your password for the desk of Allycaral');
    expect(mail!.header('list-unsubscribe')).toBeUndefined();
    const path = new URL(linkIn(mail!.parsed.text!, '/admin/set-password/')).pathname;

    const fresh = 'a new password of some length';
    expect((await visitor.post(path, { password: fresh, password_confirm: fresh })).status).toBe(303);
    // The old session ended with the reset, and the old password no longer works.
    expect((await old.get('/admin')).status).toBe(303);
    expect((await deskBrowser(t.app).signIn('owner@example.com', PASSWORD)).status).toBe(401);
    expect((await deskBrowser(t.app).signIn('owner@example.com', fresh)).status).toBe(303);
    // Once only.
    expect((await visitor.get(path)).status).toBe(400);
    expect((await visitor.post(path, { password: PASSWORD, password_confirm: PASSWORD })).status).toBe(400);
    expect((await deskBrowser(t.app).signIn('owner@example.com', PASSWORD)).status).toBe(401);
  });

  it('is rate-limited per client across addresses', async () => {
    t = await createTestContext();
    const visitor = deskBrowser(t.app);
    const csrf = await visitor.csrf('/admin/forgot-password');
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    for (let i = 0; i < 10; i++) expect((await visitor.post('/admin/forgot-password', { csrf, email: `r${i}@example.com` }, from('203.0.113.7'))).status).toBe(200);
    expect((await visitor.post('/admin/forgot-password', { csrf, email: 'r10@example.com' }, from('203.0.113.7'))).status).toBe(429);
    expect((await visitor.post('/admin/forgot-password', { csrf, email: 'r10@example.com' }, from('198.51.100.1'))).status).toBe(200);
  });

  it('needs the form token and is rate-limited per address', async () => {
    t = await createTestContext();
    const visitor = deskBrowser(t.app);
    expect((await visitor.post('/admin/forgot-password', { email: 'a@example.com' })).status).toBe(403);
    const csrf = await visitor.csrf('/admin/forgot-password');
    for (let i = 0; i < 3; i++) expect((await visitor.post('/admin/forgot-password', { csrf, email: 'a@example.com' })).status).toBe(200);
    const limited = await visitor.post('/admin/forgot-password', { csrf, email: 'A@example.com' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await visitor.post('/admin/forgot-password', { csrf, email: 'b@example.com' })).status).toBe(200);
  });
});
