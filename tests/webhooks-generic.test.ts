import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_ENV, adminApi } from './helpers/posts-fixtures.js';
import { addSubscriber } from './helpers/subscriber-fixtures.js';
import { createTestContext, type TestContext } from './helpers/test-app.js';

const SECRET = 'generic-bounce-secret-0123456789';

let t: TestContext;
beforeEach(async () => {
  t = await createTestContext({ env: { ...ADMIN_ENV, BOUNCE_WEBHOOK_SECRET: SECRET } });
});
afterEach(async () => t.close());

const now = () => Math.floor(Date.now() / 1000);
const signature = (body: string, time = now(), secret = SECRET) => `t=${time},v1=${createHmac('sha256', secret).update(`${time}.${body}`).digest('hex')}`;

async function deliver(event: unknown, header: string | ((body: string) => string) = signature) {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  const res = await t.app.request('/api/webhooks/bounces/generic', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-broadsheet-signature': typeof header === 'string' ? header : header(body) },
    body,
  });
  return { status: res.status, body: (await res.json()) as any };
}

const state = async () => ({
  subscribers: await t.deps.db.selectFrom('subscribers').select(['email', 'status']).orderBy('id').execute(),
  suppressions: await t.deps.db.selectFrom('suppressions').select(['kind', 'value', 'reason']).execute(),
  bounces: await t.deps.db.selectFrom('bounce_events').select(['kind', 'detail']).execute(),
  events: await t.deps.db.selectFrom('webhook_events').select(['provider', 'event_id']).execute(),
});

const hardBounce = { id: 'evt_1', type: 'bounce', bounce_type: 'hard', email: 'Reader@Example.com', reason: '550 no such user' };

describe('POST /api/webhooks/bounces/generic', () => {
  it('applies a signed hard bounce once; a replay with a fresh signature changes nothing', async () => {
    await addSubscriber(t.app, 'reader@example.com');
    expect(await deliver(hardBounce)).toEqual({ status: 200, body: { status: 'processed', matched: 1, suppressed: 1 } });
    const after = await state();
    expect(after).toMatchObject({
      subscribers: [{ status: 'bounced' }],
      suppressions: [{ kind: 'address', value: 'reader@example.com', reason: 'bounce' }],
      bounces: [{ kind: 'hard', detail: '550 no such user' }],
      events: [{ provider: 'generic', event_id: 'evt_1' }],
    });
    expect(await deliver(hardBounce, (b) => signature(b, now() + 1))).toEqual({ status: 200, body: { status: 'duplicate', matched: 0, suppressed: 0 } });
    expect(await state()).toEqual(after);
  });

  it('applies concurrent duplicate deliveries exactly once', async () => {
    await addSubscriber(t.app, 'reader@example.com');
    const results = await Promise.all(Array.from({ length: 5 }, () => deliver({ ...hardBounce, type: 'bounce', bounce_type: 'soft' })));
    expect(results.map((r) => r.body.status).sort()).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'processed']);
    expect((await state()).bounces).toHaveLength(1);
  });

  it('refuses forgeries, stale signatures and replays of old requests, changing nothing', async () => {
    await addSubscriber(t.app, 'reader@example.com');
    const before = await state();
    const body = JSON.stringify(hardBounce);
    const cases: Array<[string, string | ((b: string) => string)]> = [
      ['no header', ''],
      ['wrong secret', (b) => signature(b, now(), 'not-the-secret-at-all-000000')],
      ['signed another body', signature(body.replace('evt_1', 'evt_2'))],
      ['six minutes old', (b) => signature(b, now() - 360)],
      ['six minutes ahead', (b) => signature(b, now() + 360)],
      ['malformed', 't=abc,v1=zz'],
      ['only a timestamp', `t=${now()}`],
    ];
    for (const [name, header] of cases) {
      const res = await deliver(hardBounce, header);
      expect([name, res.status, res.body.error?.code]).toEqual([name, 401, 'unauthorized']);
    }
    expect(await state()).toEqual(before);
  });

  it('accepts any of several v1 signatures (secret rotation)', async () => {
    const res = await deliver(hardBounce, (b) => `${signature(b, now(), 'the-old-secret-0000000000000000')},${signature(b).split(',')[1]}`);
    expect(res.status).toBe(200);
  });

  it('counts a soft bounce only, and marks a complaint', async () => {
    const reader = await addSubscriber(t.app, 'reader@example.com');
    await deliver({ id: 'evt_soft', type: 'bounce', bounce_type: 'soft', email: 'reader@example.com', occurred_at: '2026-11-19T00:00:00Z' });
    expect(await state()).toMatchObject({ subscribers: [{ status: 'active' }], suppressions: [] });
    await deliver({ id: 'evt_complaint', type: 'complaint', email: 'reader@example.com', occurred_at: '2026-11-20T10:00:00+01:00' });
    expect(await state()).toMatchObject({ subscribers: [{ status: 'complained' }], suppressions: [{ reason: 'complaint' }] });
    expect((await adminApi(t.app, 'GET', `/api/admin/subscribers/${reader.id}`)).body.bounces).toEqual({ hard: 0, soft: 1, complaint: 1, last_at: '2026-11-20T09:00:00.000Z' });
  });

  it('answers 400 to signed but invalid events, changing nothing', async () => {
    for (const event of ['{not json', { id: 'x', type: 'bounce', email: 'a@example.com' }, { id: 'x', type: 'delivery', email: 'a@example.com' }, { type: 'complaint', email: 'a@example.com' }]) {
      expect((await deliver(event)).status).toBe(400);
    }
    expect((await state()).events).toEqual([]);
  });

  it('is off until BOUNCE_WEBHOOK_SECRET is configured', async () => {
    await t.close();
    t = await createTestContext({ env: ADMIN_ENV });
    expect((await deliver(hardBounce)).status).toBe(404);
  });

  it('forgets event ids after two days, when they could no longer be accepted anyway', async () => {
    await deliver({ id: 'evt_recent', type: 'bounce', bounce_type: 'soft', email: 'x@example.com' });
    const old = new Date(Date.now() - 3 * 86_400_000).toISOString();
    await t.deps.db.insertInto('webhook_events').values({ provider: 'generic', event_id: 'evt_old', received_at: old }).execute();
    await t.drain();
    expect((await state()).events.map((e) => e.event_id)).toEqual(['evt_recent']);
  });
});
