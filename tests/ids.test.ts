import { afterEach, expect, it } from 'vitest';
import { adminApi, ADMIN_ENV } from './helpers/posts-fixtures.js';
import { seedActiveReaders } from './helpers/sending-fixtures.js';
import { createTestContext, json, linkIn, type TestContext } from './helpers/test-app.js';

let t: TestContext;
afterEach(async () => t?.close());

const path = (url: string) => new URL(url).pathname;
const statusOf = async (id: number) => (await t.deps.db.selectFrom('subscribers').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

async function nextMail() {
  const before = t.smtp.messages.length;
  await t.drain();
  await t.smtp.waitFor(before + 1);
  return t.smtp.messages[before]!;
}

// Where a bigint returned as the string "123" would bite: signed into a link and compared with
// ===, it would act on nobody or on another reader. Subscriber #123 sits among 1..200.
it('the confirm, preferences and unsubscribe links of subscriber #123 act on #123, and ids and counts are numbers', async () => {
  t = await createTestContext({ env: ADMIN_ENV });
  await seedActiveReaders(t.deps, 122);
  expect((await t.app.request('/api/subscribe', json({ email: 'reader-123@example.org' }))).status).toBe(202);
  await seedActiveReaders(t.deps, 77, 'example.net');
  const row = await t.deps.db.selectFrom('subscribers').select(['id']).where('email_normalized', '=', 'reader-123@example.org').executeTakeFirstOrThrow();
  expect(row.id).toBe(123);
  const count = await t.deps.db.selectFrom('subscribers').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  expect(count.n).toBe(200);

  const confirmation = await nextMail();
  expect(confirmation.envelope.to).toEqual(['reader-123@example.org']);
  expect((await t.app.request(path(linkIn(confirmation.parsed.text!, '/confirm/')), { method: 'POST' })).status).toBe(200);
  expect(await statusOf(123)).toBe('active');

  const welcome = await nextMail();
  const manage = await t.app.request(path(linkIn(welcome.parsed.text!, '/preferences/')));
  expect(manage.status).toBe(200);
  expect(await manage.text()).toContain('reader-123@example.org');

  const api = await adminApi(t.app, 'GET', '/api/admin/subscribers/123');
  expect(api.body).toMatchObject({ id: 123, email: 'reader-123@example.org', status: 'active' });
  const stats = await adminApi(t.app, 'GET', '/api/admin/stats');
  expect(JSON.stringify(stats.body)).not.toMatch(/"\d+"/);

  const unsubscribe = path(linkIn(welcome.parsed.text!, '/unsubscribe/'));
  expect((await t.app.request(unsubscribe, { method: 'POST' })).status).toBe(200);
  expect(await statusOf(123)).toBe('unsubscribed');
  // Nobody else moved.
  const others = await t.deps.db.selectFrom('subscribers').select('status').where('id', '!=', 123).execute();
  expect(others.every((o) => o.status === 'active')).toBe(true);
  expect(others).toHaveLength(199);
});
