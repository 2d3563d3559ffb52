import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deskClient, type DeskClient } from './helpers/desk-client.js';
import { ADMIN_ENV, adminApi } from './helpers/posts-fixtures.js';
import { publishWithSend, seedActiveReaders } from './helpers/sending-fixtures.js';
import { addSubscriber, exportCsv, importCsv } from './helpers/subscriber-fixtures.js';
import { createTestContext, json, linkIn, type TestContext } from './helpers/test-app.js';

let t: TestContext;
let desk: DeskClient;
beforeEach(async () => {
  t = await createTestContext({ env: ADMIN_ENV });
  desk = await deskClient(t);
});
afterEach(async () => t.close());

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const api = (method: string, path: string, body?: unknown) => adminApi(t.app, method, path, body);
const decode = (href: string) => href.replace(/&amp;/g, '&');

async function page(path: string, status = 200): Promise<string> {
  const res = await desk.request(path);
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return text;
}

/** The ids of the readers a list page links to. */
const readerIds = (html: string) => [...html.matchAll(/href="\/admin\/subscribers\/(\d+)"/g)].map((m) => Number(m[1]));

/** Every POST form on the page carries the session's CSRF token. */
function expectCsrfOnEveryForm(html: string) {
  const forms = [...html.matchAll(/<form[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/g)];
  expect(forms.length).toBeGreaterThan(0);
  for (const [, inner] of forms) expect(inner).toContain(`name="csrf" value="${desk.csrf}"`);
}

/** Posts the import form as a browser does: multipart, the file under `file`. */
async function uploadCsv(body: Uint8Array | string, doubleOptIn = false) {
  const form = new FormData();
  form.set('csrf', desk.csrf);
  form.set('file', new File([body], 'list.csv', { type: 'text/csv' }));
  if (doubleOptIn) form.set('double_opt_in', 'yes');
  const res = await desk.request('/admin/subscribers/import', { method: 'POST', body: form });
  return { status: res.status, html: await res.text() };
}

const count = (html: string, name: string) => Number(html.match(new RegExp(`data-count="${name}">(\\d+)<`))![1]);

describe('the subscriber list', () => {
  it('finds a reader by part of the address or by name, filters by status and counts each status', async () => {
    const alice = await addSubscriber(t.app, 'alice.wonder@example.com', { name: 'Alice' });
    const bob = await addSubscriber(t.app, 'bob@example.org', { name: 'Roberto Smith', tags: ['vip'] });
    await api('PATCH', `/api/admin/subscribers/${bob.id}`, { status: 'unsubscribed' });

    expect(readerIds(await page('/admin/subscribers?q=WONDER'))).toEqual([alice.id]);
    expect(readerIds(await page('/admin/subscribers?q=smith'))).toEqual([bob.id]);
    expect(readerIds(await page('/admin/subscribers?status=unsubscribed'))).toEqual([bob.id]);
    expect(readerIds(await page('/admin/subscribers?tag=vip'))).toEqual([bob.id]);
    const all = await page('/admin/subscribers');
    expect(readerIds(all).sort()).toEqual([alice.id, bob.id].sort());
    expect(all).toMatch(/status=active">active<\/a>: <strong>1</);
    expect(all).toMatch(/status=unsubscribed">unsubscribed<\/a>: <strong>1</);
    await page('/admin/subscribers?status=gone', 400);
  });

  it('pages through 120 readers with the cursor, visiting each once', async () => {
    const ids = await seedActiveReaders(t.deps, 120);
    const seen: number[] = [];
    let path: string | undefined = '/admin/subscribers?status=active';
    let pages = 0;
    while (path) {
      const html = await page(path);
      seen.push(...readerIds(html));
      pages++;
      const next = html.match(/href="([^"]+)" rel="next"/);
      path = next ? decode(next[1]!) : undefined;
      if (path) expect(path).toContain('status=active');
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(120);
    expect(new Set(seen)).toEqual(new Set(ids));
  });
});

describe("a reader's page", () => {
  it('shows the consent record and every mail they were sent, with its outcome', async () => {
    const res = await t.app.request('/api/subscribe', json({ email: 'Cora@Example.com', name: 'Cora' }, { 'x-forwarded-for': '198.51.100.7', 'user-agent': 'CoraBrowser/2' }));
    expect(res.status).toBe(202);
    await t.drain();
    const [confirmation] = await t.smtp.waitFor(1);
    expect((await t.app.request(new URL(linkIn(confirmation!.parsed.text!, '/confirm/')).pathname, { method: 'POST', headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(200);
    const published = await publishWithSend(t.app, { title: 'The winter issue', body: 'Snow.' });
    expect(published.status).toBe(202);
    await t.drain();

    const [cora] = (await api('GET', '/api/admin/subscribers?q=cora')).body.subscribers;
    const html = await page(`/admin/subscribers/${cora.id}`);
    expect(html).toContain('<h1>Cora@example.com</h1>');
    for (const fact of ['198.51.100.7', 'CoraBrowser/2', '203.0.113.9', 'double opt-in', 'form']) expect(html).toContain(fact);
    const newsletters = html.slice(html.indexOf('Newsletters sent'), html.indexOf('Confirmation and welcome mail'));
    expect(newsletters).toContain('The winter issue');
    expect(newsletters).toMatch(/<span class="badge">sent<\/span>/);
    const notices = html.slice(html.indexOf('Confirmation and welcome mail'), html.indexOf('id="edit"'));
    expect(notices).toContain('Confirmation');
    expect(notices).toMatch(/<span class="badge">sent<\/span>/);
    expectCsrfOnEveryForm(html);
  });

  it('is a 404 for a reader who is not there', async () => {
    expect(await page('/admin/subscribers/999999', 404)).toContain('No subscriber with id 999999');
  });

  it('escapes a hostile name wherever it is shown', async () => {
    const hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';
    const reader = await addSubscriber(t.app, 'mallory@example.com', { name: hostile });
    for (const html of [await page('/admin/subscribers'), await page(`/admin/subscribers/${reader.id}`)]) {
      expect(html).not.toContain('<script>alert');
      expect(html).not.toContain('<img src=x');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
  });
});

describe('every page of the area', () => {
  it('works under the desk CSP: no inline script, style or event handler, and the import script is served', async () => {
    const reader = await addSubscriber(t.app, 'lee@example.com', { name: 'Lee' });
    const paths = ['/admin/subscribers', `/admin/subscribers/${reader.id}`, `/admin/subscribers/${reader.id}/erase`, '/admin/subscribers/new', '/admin/subscribers/import', '/admin/suppressions'];
    for (const path of paths) {
      const html = await page(path);
      expect(html.match(/<h1>/g), path).toHaveLength(1);
      expect(html, path).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
      expect(html, path).not.toMatch(/\sstyle=|\son[a-z]+=/);
    }
    const script = await (await t.app.request('/admin/assets/desk.js')).text();
    expect(script).toContain('data-import-form');
    expect(script).toContain('upload.onprogress');
  });
});

describe('adding, editing and erasing a reader', () => {
  it('adds an active reader on the editor’s word', async () => {
    const form = await page('/admin/subscribers/new');
    expectCsrfOnEveryForm(form);
    const res = await desk.submit('/admin/subscribers/new', { email: 'dora@example.com', name: 'Dora', tags: 'a, b', status: 'active' });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/admin\/subscribers\/\d+\?done=created$/);
    const html = await page(location);
    expect(html).toContain('The reader was added.');
    expect(html).toContain('editor (the editor vouches for consent)');
    const [dora] = (await api('GET', '/api/admin/subscribers?q=dora')).body.subscribers;
    expect(dora).toMatchObject({ status: 'active', name: 'Dora', tags: ['a', 'b'], source: 'admin', consent: { basis: 'editor' } });
    await t.drain();
    expect(t.smtp.messages).toHaveLength(0);
  });

  it('adds a pending reader, who is mailed a confirmation by the worker', async () => {
    const res = await desk.submit('/admin/subscribers/new', { email: 'eve@example.com', name: '', tags: '', status: 'pending' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/\?done=created-pending$/);
    await t.drain();
    const [mail] = await t.smtp.waitFor(1);
    expect(mail!.envelope.to).toEqual(['eve@example.com']);
    expect(linkIn(mail!.parsed.text!, '/confirm/')).toBeTruthy();
  });

  it('re-renders an invalid address with 422, the values kept and nothing created', async () => {
    const res = await desk.submit('/admin/subscribers/new', { email: 'not-an-address', name: 'Fay <b>', tags: '', status: 'active' });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('email is not a valid address');
    expect(html).toContain('value="not-an-address"');
    expect(html).toContain('value="Fay &lt;b&gt;"');
    expect(html).toMatch(/id="status-active"[^>]*checked/);
    expectCsrfOnEveryForm(html);
    expect((await api('GET', '/api/admin/subscribers')).body.subscribers).toEqual([]);
  });

  it('edits name, tags and status as the API does, and shows a refusal with the editor’s values', async () => {
    const gil = await addSubscriber(t.app, 'gil@example.com', { name: 'Gil', tags: ['old'] });
    const res = await desk.submit(`/admin/subscribers/${gil.id}`, { name: 'Gil Bert', tags: 'new, other', status: 'unsubscribed' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/admin/subscribers/${gil.id}?done=saved`);
    expect((await api('GET', `/api/admin/subscribers/${gil.id}`)).body).toMatchObject({ name: 'Gil Bert', tags: ['new', 'other'], status: 'unsubscribed' });

    const badTag = await desk.submit(`/admin/subscribers/${gil.id}`, { name: 'Gil Bert', tags: `ok, ${'x'.repeat(60)}` });
    expect(badTag.status).toBe(422);
    expect(await badTag.text()).toContain('must be 1-50 characters');

    await t.deps.db.updateTable('subscribers').set({ status: 'bounced' }).where('id', '=', gil.id).execute();
    const refused = await desk.submit(`/admin/subscribers/${gil.id}`, { name: 'Gil B', tags: 'new', status: 'active' });
    expect(refused.status).toBe(409);
    const html = await refused.text();
    expect(html).toContain('clear_suppression');
    expect(html).toContain('value="Gil B"');
    expect((await api('GET', `/api/admin/subscribers/${gil.id}`)).body).toMatchObject({ name: 'Gil Bert', status: 'bounced' });

    const cleared = await desk.submit(`/admin/subscribers/${gil.id}`, { name: 'Gil B', tags: 'new', status: 'active', clear_suppression: 'yes' });
    expect(cleared.status).toBe(303);
    expect((await api('GET', `/api/admin/subscribers/${gil.id}`)).body).toMatchObject({ name: 'Gil B', status: 'active', consent: { basis: 'editor' } });
  });

  it('erases only after the confirmation step, removing the personal data; the page is then gone', async () => {
    const hana = await addSubscriber(t.app, 'Hana.Private@Example.com', { name: 'Hana Private', tags: ['hanas-tag'] });
    await api('PATCH', `/api/admin/subscribers/${hana.id}`, { status: 'unsubscribed' });

    const ask = await page(`/admin/subscribers/${hana.id}/erase`);
    expect(ask).toContain('Erase this reader');
    expect(ask).toContain('name="confirm" value="yes"');
    expectCsrfOnEveryForm(ask);
    // A POST without the confirmation only asks again.
    const unconfirmed = await desk.submit(`/admin/subscribers/${hana.id}/erase`, {});
    expect(unconfirmed.status).toBe(200);
    expect((await api('GET', `/api/admin/subscribers/${hana.id}`)).status).toBe(200);

    const erased = await desk.submit(`/admin/subscribers/${hana.id}/erase`, { confirm: 'yes' });
    expect(erased.status).toBe(303);
    expect(erased.headers.get('location')).toBe('/admin/subscribers?done=erased');
    expect(await page('/admin/subscribers?done=erased')).toContain('The reader was erased.');
    await page(`/admin/subscribers/${hana.id}`, 404);
    const rows = await t.deps.db.selectFrom('subscribers').selectAll().execute();
    expect(rows).toEqual([]);
    expect(await t.deps.db.selectFrom('subscriber_tags').selectAll().execute()).toEqual([]);
    // She had unsubscribed: only the hash stays suppressed, so an old list cannot bring her back.
    const hash = createHash('sha256').update('hana.private@example.com').digest('hex');
    expect((await api('GET', '/api/admin/suppressions')).body.suppressions).toEqual([expect.objectContaining({ value: null, hash })]);
    expect((await exportCsv(t.app)).text.toLowerCase()).not.toContain('hana');
  });
});

describe('import and export', () => {
  it('shows the same counts and per-row errors as the API for the same file', async () => {
    const form = await page('/admin/subscribers/import');
    expect(form).toContain('enctype="multipart/form-data"');
    expect(form).toContain('data-import-progress');
    expectCsrfOnEveryForm(form);

    const { status, html } = await uploadCsv(fixture('subscribers-invalid-rows.csv'));
    expect(status).toBe(200);
    const imported = await t.deps.db.selectFrom('subscribers').select('email').orderBy('email').execute();
    await t.deps.db.deleteFrom('subscribers').execute();
    const viaApi = (await importCsv(t.app, fixture('subscribers-invalid-rows.csv'))).body;
    expect(await t.deps.db.selectFrom('subscribers').select('email').orderBy('email').execute()).toEqual(imported);

    for (const name of ['created', 'updated', 'skipped', 'invalid'] as const) expect(count(html, name)).toBe(viaApi[name]);
    expect(viaApi.errors.length).toBeGreaterThan(0);
    for (const error of viaApi.errors as Array<{ line: number; email: string; reason: string }>) {
      const escaped = error.reason.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
      expect(html).toContain(`<td>${error.line}</td><td>${error.email}</td><td>${escaped}</td>`);
    }
  });

  it('queues confirmations when double opt-in is chosen', async () => {
    const { status, html } = await uploadCsv('email,name\nivy@example.com,Ivy\n', true);
    expect(status).toBe(200);
    expect(count(html, 'created')).toBe(1);
    expect(html).toContain('1 confirmation mails are on their way.');
    expect((await api('GET', '/api/admin/subscribers')).body.subscribers).toEqual([expect.objectContaining({ email: 'ivy@example.com', status: 'pending' })]);
  });

  it('imports nothing from a malformed file and says why', async () => {
    await addSubscriber(t.app, 'ann@example.com', { name: 'Before' });
    const { status, html } = await uploadCsv(fixture('subscribers-unbalanced.csv'));
    expect(status).toBe(422);
    expect(html).toMatch(/line 3.*unbalanced quotes/);
    expect(html).toContain('Nothing was imported');
    expectCsrfOnEveryForm(html);
    expect((await t.deps.db.selectFrom('subscribers').select('email').execute()).map((r) => r.email)).toEqual(['ann@example.com']);
  });

  it('asks for a file when none was chosen', async () => {
    const form = new FormData();
    form.set('csrf', desk.csrf);
    const res = await desk.request('/admin/subscribers/import', { method: 'POST', body: form });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('Choose a CSV file');
  });

  it('exports the same CSV as the API, filter included', async () => {
    await addSubscriber(t.app, 'jo@example.com', { name: 'Jo', tags: ['x'] });
    await addSubscriber(t.app, 'kim@example.com', { name: 'Kim' });
    const res = await desk.request('/admin/subscribers/export.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="subscribers-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(await res.text()).toBe((await exportCsv(t.app)).text);
    const tagged = await (await desk.request('/admin/subscribers/export.csv?tag=x')).text();
    expect(tagged).toBe((await exportCsv(t.app, '?tag=x')).text);
    expect(tagged).toContain('jo@example.com');
    expect(tagged).not.toContain('kim@example.com');
    expect(await page('/admin/subscribers?tag=x')).toContain('href="/admin/subscribers/export.csv?tag=x"');
  });
});

describe('the suppression list', () => {
  it('adds an address and a domain, refuses nonsense, and removes an entry', async () => {
    const empty = await page('/admin/suppressions');
    expect(empty).toContain('The list is empty.');
    expectCsrfOnEveryForm(empty);

    const added = await desk.submit('/admin/suppressions', { value: 'Spam@Example.com' });
    expect(added.status).toBe(303);
    expect(added.headers.get('location')).toBe('/admin/suppressions?done=suppressed');
    expect((await desk.submit('/admin/suppressions', { value: '@example.net' })).status).toBe(303);
    const again = await desk.submit('/admin/suppressions', { value: 'spam@example.com' });
    expect(again.headers.get('location')).toBe('/admin/suppressions?done=already-suppressed');

    const bad = await desk.submit('/admin/suppressions', { value: 'not a <thing>' });
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain('value must be an email address or a domain');
    expect(badHtml).toContain('value="not a &lt;thing&gt;"');

    const listed = (await api('GET', '/api/admin/suppressions')).body.suppressions as Array<{ id: number; value: string }>;
    expect(listed.map((s) => s.value).sort()).toEqual(['example.net', 'spam@example.com']);
    const html = await page('/admin/suppressions');
    expect(html).toContain('spam@example.com');
    expect(html).toContain('example.net');
    expectCsrfOnEveryForm(html);
    // Suppressed addresses cannot be added by hand.
    expect((await desk.submit('/admin/subscribers/new', { email: 'spam@example.com', status: 'active' })).status).toBe(422);

    // The lookup goes by hash: it answers for any spelling, and refuses what is no address or domain.
    const found = await page('/admin/suppressions?find=SPAM@example.com');
    expect(found).toContain('<td>spam@example.com</td>');
    expect(found).not.toContain('<td>example.net</td>');
    expect(await page('/admin/suppressions?find=other@example.com')).toContain('Not on the list.');
    expect(await page('/admin/suppressions?find=%3Cnope%3E', 422)).toContain('value must be an email address or a domain');

    const spam = listed.find((s) => s.value === 'spam@example.com')!;
    const removed = await desk.submit(`/admin/suppressions/${spam.id}/remove`, {});
    expect(removed.status).toBe(303);
    expect(await page('/admin/suppressions?done=unsuppressed')).not.toContain('spam@example.com');
    expect((await api('GET', '/api/admin/suppressions')).body.suppressions).toHaveLength(1);
  });

  it('pages through the list', async () => {
    for (let i = 0; i < 55; i++) await api('POST', '/api/admin/suppressions', { value: `s${i}@example.com` });
    const first = await page('/admin/suppressions');
    const next = first.match(/href="([^"]+)" rel="next"/)![1]!;
    const second = await page(decode(next));
    const values = (html: string) => [...html.matchAll(/<td>(s\d+@example\.com)<\/td>/g)].map((m) => m[1]);
    expect(values(first)).toHaveLength(50);
    expect(new Set([...values(first), ...values(second)]).size).toBe(55);
  });
});
