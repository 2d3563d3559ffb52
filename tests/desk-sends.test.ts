import { afterEach, describe, expect, it } from 'vitest';
import { deskClient } from './helpers/desk-client.js';
import { postFormsWithoutCsrf, readHtml } from './helpers/desk-html.js';
import { adminApi, ADMIN_ENV } from './helpers/posts-fixtures.js';
import { publishWithSend, seedActiveReaders } from './helpers/sending-fixtures.js';
import type { SinkOptions } from './helpers/smtp-sink.js';
import { createTestContext, type TestContext } from './helpers/test-app.js';

const contexts: TestContext[] = [];
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

async function setup(smtp: SinkOptions = {}): Promise<TestContext> {
  const t = await createTestContext({ env: { ...ADMIN_ENV, SEND_MAX_ATTEMPTS: '2' }, smtp });
  contexts.push(t);
  return t;
}

const apiSend = async (t: TestContext, id: number) => (await adminApi(t.app, 'GET', `/api/admin/sends/${id}`)).body;

/** Runs the worker (retries wait 10 ms in tests) until the send is over. */
async function settle(t: TestContext, id: number) {
  for (let i = 0; i < 60 && ['queued', 'sending'].includes((await apiSend(t, id)).status); i++) {
    await t.drain();
    await new Promise((r) => setTimeout(r, 20));
  }
  return apiSend(t, id);
}

const refusals: Record<string, { code: number; message: string }> = {
  'reader0@example.com': { code: 550, message: '5.1.1 No such user here' },
  'reader1@example.com': { code: 554, message: '5.7.1 Message refused by policy' },
};

describe('a send on the desk', () => {
  it('shows the counts, the bounces and the SMTP replies a real send produced, and the API summary as progress.json', async () => {
    const t = await setup({ onRecipient: (a) => refusals[a] });
    await seedActiveReaders(t.deps, 6);
    const { body } = await publishWithSend(t.app, { title: 'Harbour news', body: 'The tide.' });
    const id = body.send.id;
    const api = await settle(t, id);
    expect(api).toMatchObject({ status: 'done', total: 6, sent: 4, failed: 2, skipped: 0, unknown: 0, pending: 0 });
    const desk = await deskClient(t);

    const res = await desk.request(`/admin/sends/${id}`);
    expect(res.status).toBe(200);
    const page = await readHtml(res);
    for (const key of ['total', 'sent', 'failed', 'skipped', 'unknown', 'pending'] as const) expect(page.text('data-count', key)).toBe(String(api[key]));
    expect(page.text('data-field', 'status')).toBe('done');
    expect(page.text('data-field', 'handled')).toBe('6');
    const bar = page.all((e) => e.name === 'progress')[0]!;
    expect([page.attr(bar, 'max'), page.attr(bar, 'value')]).toEqual(['6', '6']);
    const poll = page.all((e) => 'data-poll' in e.attribs)[0]!;
    expect(page.attr(poll, 'data-poll')).toBe(`/admin/sends/${id}/progress.json`);
    // A finished send has nothing left to control.
    expect(page.all((e) => e.name === 'form' && /\/(pause|resume|cancel)$/.test(e.attribs.action ?? ''))).toHaveLength(0);

    const rows = page.all((e) => e.name === 'tr').map(page.textOf);
    const bounce = rows.find((r) => r.includes('reader0@example.com'))!;
    expect(bounce).toContain('bounced');
    expect(bounce).toContain('5.1.1 No such user here');
    const failed = rows.find((r) => r.includes('reader1@example.com'))!;
    expect(failed).toContain('failed');
    expect(failed).toContain('5.7.1 Message refused by policy');
    expect(rows.filter((r) => /reader[2-5]@/.test(r))).toHaveLength(0);
    expect(page.html).toContain('1 of the 2 failed deliveries bounced');

    const progress = await desk.request(`/admin/sends/${id}/progress.json`);
    expect(progress.status).toBe(200);
    expect(progress.headers.get('content-type')).toContain('application/json');
    expect(await progress.json()).toEqual(await apiSend(t, id));

    const list = await readHtml(await desk.request('/admin/sends'));
    const row = list.all((e) => e.name === 'tr' && list.textOf(e).includes('Harbour news'))[0]!;
    // Subject, status, total, sent, failed, of which bounced, skipped, unknown, pending.
    expect(list.cells(row).slice(0, 9)).toEqual(['Harbour news', 'done', '6', '4', '2', '1', '0', '0', '0']);
    expect(list.html).toContain(`href="/admin/sends/${id}"`);
  });

  it('pages the failures by the delivery cursor', async () => {
    const t = await setup({ onRecipient: (a) => (a === 'reader0@example.com' ? undefined : { code: 550, message: `5.1.1 ${a} unknown` }) });
    await seedActiveReaders(t.deps, 53);
    const { body } = await publishWithSend(t.app, { title: 'Many bounces', body: 'x' });
    expect(await settle(t, body.send.id)).toMatchObject({ sent: 1, failed: 52 });
    const desk = await deskClient(t);

    const first = await readHtml(await desk.request(`/admin/sends/${body.send.id}`));
    const replies = (p: typeof first) => p.all((e) => e.name === 'td' && e.attribs.class === 'smtp-reply').map(p.textOf);
    expect(replies(first)).toHaveLength(50);
    const more = first.all((e) => e.name === 'a' && first.textOf(e) === 'More failures')[0]!;
    const second = await readHtml(await desk.request(first.attr(more, 'href')!));
    expect(replies(second)).toHaveLength(2);
    expect(replies(second)[0]).toContain('550 5.1.1 reader51@example.com unknown');
    expect(replies(second)[1]).toContain('550 5.1.1 reader52@example.com unknown');
    expect(second.all((e) => e.name === 'a' && second.textOf(e) === 'More failures')).toHaveLength(0);

    const broken = await desk.request(`/admin/sends/${body.send.id}?failures=abc`);
    expect(broken.status).toBe(400);
    const brokenPage = await readHtml(broken);
    expect(brokenPage.all((e) => e.name === 'h1').map(brokenPage.textOf)).toEqual(['Link not valid']);
  });

  it('pauses, resumes and cancels through its forms as the API does, and says so when a control no longer applies', async () => {
    const t = await setup();
    await seedActiveReaders(t.deps, 3);
    const { body } = await publishWithSend(t.app, { title: 'Controlled', body: 'x' });
    const id = body.send.id;
    const desk = await deskClient(t);
    const controls = async () => {
      const page = await readHtml(await desk.request(`/admin/sends/${id}`));
      expect(postFormsWithoutCsrf(page, desk.csrf)).toEqual([]);
      return page.all((e) => e.name === 'form' && (e.attribs.method ?? '') === 'post').map((f) => f.attribs.action);
    };
    expect(await controls()).toEqual(['/admin/sign-out', `/admin/sends/${id}/pause`, `/admin/sends/${id}/cancel`]);

    const paused = await desk.submit(`/admin/sends/${id}/pause`, {});
    expect(paused.status).toBe(303);
    expect(paused.headers.get('location')).toBe(`/admin/sends/${id}?done=pause`);
    expect((await apiSend(t, id)).status).toBe('paused');
    const notice = await readHtml(await desk.request(paused.headers.get('location')!));
    expect(notice.text('role', 'status')).toContain('Paused');
    for (const odd of ['constructor', '<b>hi</b>']) {
      const page = await readHtml(await desk.request(`/admin/sends/${id}?done=${encodeURIComponent(odd)}`));
      expect(page.all((e) => e.attribs.role === 'status')).toHaveLength(0);
      expect(page.html).not.toContain('hi</b>');
    }
    expect(await controls()).toEqual(['/admin/sign-out', `/admin/sends/${id}/resume`, `/admin/sends/${id}/cancel`]);

    const again = await desk.submit(`/admin/sends/${id}/pause`, {});
    expect(again.status).toBe(409);
    const conflict = await readHtml(again);
    expect(conflict.text('role', 'alert')).toBe('Cannot pause a send that is paused.');
    expect(conflict.text('data-field', 'status')).toBe('paused');

    expect((await desk.submit(`/admin/sends/${id}/resume`, {})).status).toBe(303);
    expect(await apiSend(t, id)).toMatchObject({ status: 'sending', reason: null });

    expect((await desk.submit(`/admin/sends/${id}/cancel`, {})).status).toBe(303);
    const cancelled = await apiSend(t, id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.finished_at).not.toBeNull();
    expect(await controls()).toEqual(['/admin/sign-out']);

    const late = await desk.submit(`/admin/sends/${id}/resume`, {});
    expect(late.status).toBe(409);
    expect((await readHtml(late)).text('role', 'alert')).toBe('Cannot resume a send that is cancelled.');
    // Cancelled means nobody is mailed, whatever the worker does next.
    await t.drain();
    expect(t.smtp.messages).toHaveLength(0);
  });

  it('answers an unknown send with a 404 desk page, and its progress.json and controls with 404s', async () => {
    const t = await setup();
    const desk = await deskClient(t);
    const res = await desk.request('/admin/sends/999');
    expect(res.status).toBe(404);
    const page = await readHtml(res);
    expect(page.all((e) => e.name === 'h1').map(page.textOf)).toEqual(['Send not found']);
    expect(page.all((e) => e.name === 'nav')).toHaveLength(1);
    const json = await desk.request('/admin/sends/999/progress.json');
    expect(json.status).toBe(404);
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await desk.submit('/admin/sends/999/cancel', {})).status).toBe(404);
    expect((await desk.request('/admin/sends?cursor=x')).status).toBe(400);
    expect((await desk.request('/admin/sends?status=lost')).status).toBe(400);
  });

  it('escapes a hostile subject on the list and the send page', async () => {
    const t = await setup();
    await seedActiveReaders(t.deps, 1);
    const hostile = '<img src=x onerror=alert(1)> & "quotes"';
    const { body } = await publishWithSend(t.app, { title: hostile, body: 'x' });
    const desk = await deskClient(t);
    for (const path of ['/admin/sends', `/admin/sends/${body.send.id}`]) {
      const page = await readHtml(await desk.request(path));
      expect(page.html).not.toContain('<img src=x');
      expect(page.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(page.all((e) => e.name === 'img')).toHaveLength(0);
    }
    const sendPage = await readHtml(await desk.request(`/admin/sends/${body.send.id}`));
    expect(sendPage.all((e) => e.name === 'h1').map(sendPage.textOf)).toEqual([`Send: ${hostile}`]);
  });

  it('lists sends newest first, filtered by status and paged by the API cursor', async () => {
    const t = await setup();
    const ids: number[] = [];
    for (let i = 0; i < 22; i++) ids.push((await publishWithSend(t.app, { title: `Issue ${i}`, body: 'x' })).body.send.id);
    const desk = await deskClient(t);
    const subjects = (p: Awaited<ReturnType<typeof readHtml>>) => p.all((e) => e.name === 'th' && e.attribs.scope === 'row').map(p.textOf);
    const first = await readHtml(await desk.request('/admin/sends'));
    expect(subjects(first)).toEqual(Array.from({ length: 20 }, (_, i) => `Issue ${21 - i}`));
    const older = first.all((e) => e.name === 'a' && first.textOf(e) === 'Older sends')[0]!;
    const second = await readHtml(await desk.request(first.attr(older, 'href')!));
    expect(subjects(second)).toEqual(['Issue 1', 'Issue 0']);

    // Sends of posts with no readers finish at once; none is paused.
    const filtered = await readHtml(await desk.request('/admin/sends?status=paused'));
    expect(subjects(filtered)).toEqual([]);
    expect(filtered.text('id', 'send-status-filter')).toContain('paused');
  });
});

describe('a send the worker paused', () => {
  it('shows the reason, offers resume, and hides the reason once resumed', async () => {
    const t = await setup({ onRecipient: () => ({ code: 554, message: '5.7.1 Relay access denied' }) });
    await seedActiveReaders(t.deps, 30);
    const { body } = await publishWithSend(t.app, { title: 'Refused', body: 'x' });
    // How many deliveries use up their attempts before the breaker trips depends on timing;
    // what matters here is that the send paused with readers left and nobody was bounced.
    const paused = await settle(t, body.send.id);
    expect(paused).toMatchObject({ status: 'paused' });
    expect(paused.pending).toBeGreaterThan(0);
    const desk = await deskClient(t);

    const page = await readHtml(await desk.request(`/admin/sends/${body.send.id}`));
    const reason = page.all((e) => e.attribs['data-field'] === 'reason')[0]!;
    expect(page.attr(reason, 'hidden')).toBeUndefined();
    expect(page.textOf(reason)).toContain('5.7.1 Relay access denied');
    expect(page.all((e) => e.name === 'form').map((f) => f.attribs.action)).toContain(`/admin/sends/${body.send.id}/resume`);

    expect((await desk.submit(`/admin/sends/${body.send.id}/resume`, {})).status).toBe(303);
    const resumed = await readHtml(await desk.request(`/admin/sends/${body.send.id}`));
    const cleared = resumed.all((e) => e.attribs['data-field'] === 'reason')[0]!;
    expect(resumed.attr(cleared, 'hidden')).toBeDefined();
    expect(resumed.textOf(cleared)).toBe('');
  });
});
