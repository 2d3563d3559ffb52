import { afterEach, describe, expect, it } from 'vitest';
import { PREVIEW_POLICY } from '../src/http/desk/posts/preview-policy.js';
import { deskClient, type DeskClient } from './helpers/desk-client.js';
import { ADMIN_ENV, adminApi } from './helpers/posts-fixtures.js';
import { addSubscriber } from './helpers/subscriber-fixtures.js';
import { createTestContext, manualClock, type TestContext } from './helpers/test-app.js';

let t: TestContext;
let desk: DeskClient;
afterEach(async () => t?.close());

async function start() {
  t = await createTestContext({ env: ADMIN_ENV, clock: manualClock() });
  desk = await deskClient(t);
}

const BODY = '# Harbour notes\n\nThe tide was [early](https://example.org/tides).\n\n![The quay](https://example.org/quay.png)\n';

/** Creates a draft through the desk; returns its id. */
async function createDraft(fields: Record<string, string> = {}): Promise<number> {
  const res = await desk.submit('/admin/posts', { title: 'A day at the quay', subtitle: 'Boats and weather', slug: '', email_subject: '', author: '', tags: 'sea, boats', body: BODY, ...fields });
  expect(res.status).toBe(303);
  const match = res.headers.get('location')!.match(/^\/admin\/posts\/(\d+)\?done=created$/);
  expect(match).not.toBeNull();
  return Number(match![1]);
}

const page = async (path: string) => {
  const res = await desk.request(path);
  return { status: res.status, headers: res.headers, html: await res.text() };
};

/** Every form that changes something, with what is inside it. */
const postForms = (html: string) => [...html.matchAll(/<form[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/g)].map((m) => m[1]!);

describe('the desk: posts', () => {
  it('creates a draft with a heading, a link and an image, saves it, and lists it as a draft', async () => {
    await start();
    const id = await createDraft();
    const editor = await page(`/admin/posts/${id}?done=created`);
    expect(editor.status).toBe(200);
    expect(editor.html).toContain('Draft created.');
    expect(editor.html).toContain('value="Boats and weather"');
    expect(editor.html).toContain('data-autosave');

    const saved = await desk.submit(`/admin/posts/${id}`, { title: 'A day at the quay', subtitle: 'Boats, weather', slug: '', email_subject: 'Quay day', author: 'Ana', tags: 'sea', body: `${BODY}\nMore.` });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`/admin/posts/${id}?done=saved`);
    const post = (await adminApi(t.app, 'GET', `/api/admin/posts/${id}`)).body;
    expect(post).toMatchObject({ status: 'draft', excerpt: 'Boats, weather', email_subject: 'Quay day', author: 'Ana', tags: ['sea'], slug: 'a-day-at-the-quay' });
    expect(post.body_html).toContain('<h1>Harbour notes</h1>');
    expect(post.body_html).toContain('href="https://example.org/tides"');
    expect(post.body_html).toContain('src="https://example.org/quay.png"');

    const list = await page('/admin/posts');
    expect(list.html).toContain(`<a href="/admin/posts/${id}">A day at the quay</a>`);
    expect(list.html).toMatch(/status-draft">Draft</);
    expect(list.html).toContain('<caption>');
    expect((await page('/admin/posts?status=published')).html).not.toContain('A day at the quay');
    expect((await page('/admin/posts?status=draft')).html).toContain('A day at the quay');
  });

  it('pages the list with the posts cursor', async () => {
    await start();
    for (let i = 1; i <= 21; i++) await adminApi(t.app, 'POST', '/api/admin/posts', { title: `Post number ${i}`, body: 'x' });
    const first = await page('/admin/posts');
    expect(first.html).toContain('Post number 21');
    expect(first.html).not.toContain('Post number 1<');
    const older = first.html.match(/href="(\/admin\/posts\?cursor=[^"]+)">Older posts/)![1]!;
    const second = await page(older.replaceAll('&amp;', '&'));
    expect(second.html).toContain('Post number 1<');
    expect(second.html).not.toContain('Older posts');
    expect((await page('/admin/posts?cursor=nonsense')).status).toBe(400);
  });

  it('answers the editor script\'s autosave with a status instead of a page', async () => {
    await start();
    const id = await createDraft();
    const autosave = (fields: Record<string, string>) =>
      desk.request(`/admin/posts/${id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-desk-autosave': '1' },
        body: new URLSearchParams({ csrf: desk.csrf, ...fields }).toString(),
      });
    expect((await autosave({ title: 'Retitled', body: 'New words' })).status).toBe(204);
    expect((await adminApi(t.app, 'GET', `/api/admin/posts/${id}`)).body).toMatchObject({ title: 'Retitled', body: 'New words' });
    const refused = await autosave({ title: '', body: 'Newer words' });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toMatch(/^Title: /);
    expect((await adminApi(t.app, 'GET', `/api/admin/posts/${id}`)).body.body).toBe('New words');
  });

  it('re-renders invalid input with 422, the values and the message, and changes nothing', async () => {
    await start();
    const empty = await desk.submit('/admin/posts', { title: '', body: 'Kept <b>body</b> text' });
    expect(empty.status).toBe(422);
    const html = await empty.text();
    expect(html).toContain('Title:');
    expect(html).toContain('Kept &lt;b&gt;body&lt;/b&gt; text');
    expect((await adminApi(t.app, 'GET', '/api/admin/posts')).body.posts).toHaveLength(0);

    const id = await createDraft();
    const before = (await adminApi(t.app, 'GET', `/api/admin/posts/${id}`)).body;
    // One character over BODY_MAX (src/posts/post-input.ts).
    const oversized = await desk.submit(`/admin/posts/${id}`, { title: 'Changed title', body: 'x'.repeat(500_001) });
    expect(oversized.status).toBe(422);
    const again = await oversized.text();
    expect(again).toContain('Body:');
    expect(again).toContain('value="Changed title"');
    expect((await adminApi(t.app, 'GET', `/api/admin/posts/${id}`)).body).toEqual(before);
  });

  it('previews the email exactly as the test mail arrives, under a framing policy of its own', async () => {
    await start();
    const id = await createDraft();
    const preview = await page(`/admin/posts/${id}/preview/email`);
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-security-policy')).toBe(PREVIEW_POLICY);
    expect(preview.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(preview.html).toContain('owner@example.com');
    expect(preview.html).not.toContain('{{');

    const sent = await desk.submit(`/admin/posts/${id}/test`, {});
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe(`/admin/posts/${id}?done=test-sent`);
    const [mail] = await t.smtp.waitFor(1);
    expect(mail!.envelope.to).toEqual(['owner@example.com']);
    // The same content; only the test mail's subject (in its <title>) says "[Test]".
    const normal = (html: string) => html.replace(/\r\n/g, '\n').replaceAll('[Test] ', '');
    expect(normal(mail!.parsed.html as string)).toBe(normal(preview.html));
    expect((await page(`/admin/posts/${id}?done=test-sent`)).html).toContain('Test sent to owner@example.com.');
  });

  it('says why a test could not be sent, on the editor, without a 500', async () => {
    t = await createTestContext({ env: ADMIN_ENV, smtp: { onRecipient: () => ({ code: 550, message: 'No such mailbox' }) } });
    desk = await deskClient(t);
    const id = await createDraft();
    const res = await desk.submit(`/admin/posts/${id}/test`, {});
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('The test email could not be sent');
    expect(html).toContain('value="A day at the quay"');
  });

  it('previews the web page of a draft as the archive would render it', async () => {
    await start();
    const id = await createDraft();
    const preview = await page(`/admin/posts/${id}/preview/web`);
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-security-policy')).toBe(PREVIEW_POLICY);
    expect(preview.html).toContain('<h1>A day at the quay</h1>');
    expect(preview.html).toContain('<h1>Harbour notes</h1>');
    expect((await t.app.request('/posts/a-day-at-the-quay')).status).toBe(404);
    const editor = await page(`/admin/posts/${id}`);
    for (const src of [`/admin/posts/${id}/preview/email`, `/admin/posts/${id}/preview/web`]) expect(editor.html).toContain(`src="${src}"`);
    expect(editor.html).toContain('class="preview preview-phone"');
    expect(editor.html).toContain('class="preview preview-desktop"');
  });

  it('schedules in UTC and refuses a time already passed', async () => {
    await start();
    const id = await createDraft();
    const past = await desk.submit(`/admin/posts/${id}/schedule`, { scheduled_at: '2026-11-24T08:00' });
    expect(past.status).toBe(422);
    expect(await past.text()).toContain('value="2026-11-24T08:00"');
    expect((await adminApi(t.app, 'GET', `/api/admin/posts/${id}`)).body.status).toBe('draft');

    const res = await desk.submit(`/admin/posts/${id}/schedule`, { scheduled_at: '2026-11-25T10:30' });
    expect(res.status).toBe(303);
    expect((await adminApi(t.app, 'GET', `/api/admin/posts/${id}`)).body).toMatchObject({ status: 'scheduled', scheduled_at: '2026-11-25T10:30:00.000Z', send_on_publish: true });
    const editor = await page(res.headers.get('location')!);
    expect(editor.html).toContain('Scheduled for 2026-11-25 10:30 UTC.');
    expect(editor.html).toContain('Times are in UTC');
  });

  it('confirms publishing with the audience count, then creates the send and goes to it', async () => {
    await start();
    for (const email of ['a@example.com', 'b@example.com', 'c@example.com', 'blocked@example.com']) await addSubscriber(t.app, email);
    await addSubscriber(t.app, 'waiting@example.com', { status: 'pending' });
    expect((await adminApi(t.app, 'POST', '/api/admin/suppressions', { value: 'blocked@example.com' })).status).toBe(201);
    const id = await createDraft();

    const confirm = await desk.submit(`/admin/posts/${id}/publish`, {});
    expect(confirm.status).toBe(200);
    const html = await confirm.text();
    expect(html).toContain('Publish and send to 3 readers');
    expect(html).toContain('name="confirm" value="yes"');
    expect((await adminApi(t.app, 'GET', `/api/admin/posts/${id}`)).body.status).toBe('draft');

    const done = await desk.submit(`/admin/posts/${id}/publish`, { confirm: 'yes' });
    expect(done.status).toBe(303);
    const sendId = done.headers.get('location')!.match(/^\/admin\/sends\/(\d+)$/)![1];
    expect((await adminApi(t.app, 'GET', `/api/admin/sends/${sendId}`)).body).toMatchObject({ post_id: id, total: 3 });

    const again = await desk.submit(`/admin/posts/${id}/publish`, { confirm: 'yes' });
    expect(again.status).toBe(303);
    expect((await page(again.headers.get('location')!)).html).toContain('already published');
    expect((await adminApi(t.app, 'GET', '/api/admin/sends')).body.sends).toHaveLength(1);
  });

  it('edits a published post without offering to publish, schedule or autosave it again', async () => {
    await start();
    const id = await createDraft();
    expect((await adminApi(t.app, 'POST', `/api/admin/posts/${id}/publish`, { send: false })).status).toBe(202);
    const editor = await page(`/admin/posts/${id}`);
    expect(editor.html).toContain('Save changes');
    expect(editor.html).toContain('href="/posts/a-day-at-the-quay"');
    expect(editor.html).not.toContain('data-autosave');
    expect(editor.html).not.toContain(`/admin/posts/${id}/schedule`);
    const scheduled = await desk.submit(`/admin/posts/${id}/schedule`, { scheduled_at: '2026-11-25T10:30' });
    expect(scheduled.headers.get('location')).toBe(`/admin/posts/${id}?done=already-published`);
    // Published on the web only: asking to publish it must not mail it now.
    expect((await desk.submit(`/admin/posts/${id}/publish`, { confirm: 'yes' })).headers.get('location')).toBe(`/admin/posts/${id}?done=already-published`);
    expect((await adminApi(t.app, 'GET', '/api/admin/sends')).body.sends).toHaveLength(0);
  });

  it('never lets hostile Markdown or HTML run in the previews or the editor', async () => {
    await start();
    const hostile = '<script>alert(1)</script>\n\n<img src="x" onerror="alert(2)">\n\n[click](javascript:alert(3))\n\n<iframe src="https://evil.example"></iframe>';
    const id = await createDraft({ title: '<script>alert(4)</script>', body: hostile });
    for (const path of [`/admin/posts/${id}/preview/email`, `/admin/posts/${id}/preview/web`]) {
      const { html } = await page(path);
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/onerror/i);
      expect(html).not.toMatch(/javascript:/i);
      expect(html).not.toMatch(/<iframe/i);
    }
    const editor = await page(`/admin/posts/${id}`);
    expect(editor.html).not.toContain('<script>alert');
    expect(editor.html).toContain('&lt;script&gt;alert(4)&lt;/script&gt;');
  });

  it('puts the CSRF field in every form that changes something', async () => {
    await start();
    await addSubscriber(t.app, 'a@example.com');
    const id = await createDraft();
    const pages = [(await page('/admin/posts/new')).html, (await page(`/admin/posts/${id}`)).html, (await page('/admin/posts')).html];
    pages.push(await (await desk.submit(`/admin/posts/${id}/publish`, {})).text());
    let forms = 0;
    for (const html of pages) {
      for (const inner of postForms(html)) {
        forms++;
        expect(inner).toContain(`name="csrf" value="${desk.csrf}"`);
      }
    }
    // New post, sign-out ×4, editor, test, schedule, publish, confirm.
    expect(forms).toBeGreaterThanOrEqual(10);
  });
});
