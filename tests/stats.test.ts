import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_ENV, adminApi } from './helpers/posts-fixtures.js';
import { importCsv } from './helpers/subscriber-fixtures.js';
import { createTestContext, manualClock, type TestContext } from './helpers/test-app.js';

let t: TestContext;
const clock = manualClock();
beforeEach(async () => {
  clock.set(new Date('2026-11-24T09:00:00.000Z'));
  t = await createTestContext({ env: ADMIN_ENV, clock });
});
afterEach(async () => t.close());

describe('GET /api/admin/stats', () => {
  it('counts by status and per UTC day over the last 90 days', async () => {
    const csv = [
      'email,status,created_at',
      'a@example.com,active,2026-11-24T08:00:00Z',
      'b@example.com,active,2026-11-24T00:00:00Z',
      'c@example.com,pending,2026-11-23T23:59:59Z',
      'd@example.com,unsubscribed,2026-08-27T00:00:00Z',
      'e@example.com,bounced,2026-08-26T23:59:59Z',
      'f@example.com,complained,2020-01-01',
    ].join('\n');
    expect((await importCsv(t.app, csv)).body.created).toBe(6);
    // Two readers leave on other days.
    clock.set(new Date('2026-11-20T12:00:00.000Z'));
    const list = (await adminApi(t.app, 'GET', '/api/admin/subscribers?status=active')).body.subscribers;
    await adminApi(t.app, 'PATCH', `/api/admin/subscribers/${list[0].id}`, { status: 'unsubscribed' });
    clock.set(new Date('2026-11-24T09:00:00.000Z'));

    const res = await adminApi(t.app, 'GET', '/api/admin/stats');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(6);
    expect(res.body.by_status).toEqual({ pending: 1, active: 1, unsubscribed: 2, bounced: 1, complained: 1 });
    const days = res.body.days as Array<{ date: string; subscribes: number; unsubscribes: number }>;
    expect(days).toHaveLength(90);
    expect(days[0]!.date).toBe('2026-08-27');
    expect(days[89]).toEqual({ date: '2026-11-24', subscribes: 2, unsubscribes: 1 });
    expect(days[88]).toEqual({ date: '2026-11-23', subscribes: 1, unsubscribes: 0 });
    expect(days.find((d) => d.date === '2026-11-20')).toEqual({ date: '2026-11-20', subscribes: 0, unsubscribes: 1 });
    expect(days[0]).toEqual({ date: '2026-08-27', subscribes: 1, unsubscribes: 0 });
    expect(days.reduce((n, d) => n + d.subscribes, 0)).toBe(4);
  });

  it('answers zeros for an empty list, and needs the admin key', async () => {
    const res = await adminApi(t.app, 'GET', '/api/admin/stats');
    expect(res.body.total).toBe(0);
    expect(res.body.days.every((d: { subscribes: number; unsubscribes: number }) => d.subscribes === 0 && d.unsubscribes === 0)).toBe(true);
    expect((await t.app.request('/api/admin/stats')).status).toBe(401);
  });
});
