import { afterEach, describe, expect, it } from 'vitest';
import { deskClient } from './helpers/desk-client.js';
import { readHtml, type DeskHtml } from './helpers/desk-html.js';
import { adminApi, ADMIN_ENV } from './helpers/posts-fixtures.js';
import { publishWithSend, seedActiveReaders } from './helpers/sending-fixtures.js';
import { addSubscriber } from './helpers/subscriber-fixtures.js';
import { createTestContext, type TestContext } from './helpers/test-app.js';

let t: TestContext;
afterEach(async () => t?.close());

const today = () => new Date().toISOString().slice(0, 10);
const figure = (page: DeskHtml, label: string) => {
  const card = page.all((e) => e.attribs.class === 'card' && page.textOf(e).startsWith(label))[0]!;
  return page.textOf(card).slice(label.length).trim();
};

describe('the dashboard', () => {
  it('shows active readers, the growth per day and the latest sends with their counts', async () => {
    t = await createTestContext({ env: ADMIN_ENV, smtp: { onRecipient: (a) => (a === 'reader2@example.com' ? { code: 550, message: '5.1.1 No such user' } : undefined) } });
    await seedActiveReaders(t.deps, 4);
    const leaver = await addSubscriber(t.app, 'leaver@example.com');
    expect((await adminApi(t.app, 'PATCH', `/api/admin/subscribers/${leaver.id}`, { status: 'unsubscribed' })).status).toBe(200);
    const { body } = await publishWithSend(t.app, { title: 'Morning edition', body: 'x' });
    for (let i = 0; i < 20 && (await adminApi(t.app, 'GET', `/api/admin/sends/${body.send.id}`)).body.status !== 'done'; i++) await t.drain();
    const stats = (await adminApi(t.app, 'GET', '/api/admin/stats')).body;

    const desk = await deskClient(t);
    const res = await desk.request('/admin');
    expect(res.status).toBe(200);
    const page = await readHtml(res);
    expect(page.all((e) => e.name === 'h1').map(page.textOf)).toEqual(['Dashboard']);
    // The bounce made reader2 bounced: 3 readers remain active, as the API counts them.
    expect(figure(page, 'Active subscribers')).toBe(String(stats.by_status.active));
    expect(stats.by_status.active).toBe(3);
    expect(figure(page, 'Joined in the last 30 days')).toBe('5');
    expect(figure(page, 'Unsubscribed in the last 30 days')).toBe('1');

    const growth = page.all((e) => e.name === 'table' && e.attribs.class === 'growth')[0]!;
    const days = page.all((e) => e.name === 'tr', growth).slice(1);
    expect(days).toHaveLength(30);
    expect(page.cells(days[0]!)).toEqual([today(), '5', '1']);
    expect(page.cells(days[1]!).slice(1)).toEqual(['0', '0']);
    const meters = page.all((e) => e.name === 'meter', growth);
    expect(meters).toHaveLength(60);
    expect([page.attr(meters[0]!, 'value'), page.attr(meters[0]!, 'max')]).toEqual(['5', '5']);

    const send = page.all((e) => e.name === 'a' && e.attribs.href === `/admin/sends/${body.send.id}`)[0]!;
    expect(page.textOf(send)).toBe('Morning edition');
    const row = page.all((e) => e.name === 'tr' && page.textOf(e).startsWith('Morning edition'))[0]!;
    // Subject, status, total, sent, failed, of which bounced, skipped, unknown, pending.
    expect(page.cells(row).slice(0, 9)).toEqual(['Morning edition', 'done', '4', '3', '1', '1', '0', '0', '0']);
  });

  it('says there are no sends yet on a fresh install, and escapes subjects', async () => {
    t = await createTestContext({ env: ADMIN_ENV });
    const desk = await deskClient(t);
    const empty = await readHtml(await desk.request('/admin'));
    expect(empty.html).toContain('No sends yet');
    expect(figure(empty, 'Active subscribers')).toBe('0');

    await publishWithSend(t.app, { title: '<script>alert(1)</script>', body: 'x' });
    const page = await readHtml(await desk.request('/admin'));
    expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.all((e) => e.name === 'script').map((s) => s.attribs.src)).toEqual(['/admin/assets/desk.js']);
  });
});
