import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { iso } from '../src/clock.js';
import { startSend } from '../src/sending/start-send.js';
import { importSubscribers } from '../src/subscribers/import/import-subscribers.js';
import { fileUpload } from '../src/subscribers/import/file-scratch.js';
import { insertSuppression } from '../src/suppressions/manage-suppressions.js';
import { domainSuppression } from '../src/suppressions/suppression-value.js';
import { openD1LikeSqlite } from './helpers/d1-like-sqlite.js';
import { ADMIN_ENV, adminApi, postInput } from './helpers/posts-fixtures.js';
import { refuseInserts } from './helpers/refuse-writes.js';
import { createTestContext, json, manualClock, type TestContext } from './helpers/test-app.js';

let t: TestContext;
const clock = manualClock();
beforeEach(async () => {
  clock.set(new Date('2026-11-24T09:00:00.000Z'));
  t = await createTestContext({ env: ADMIN_ENV, clock });
});
afterEach(async () => t.close());

const api = (method: string, path: string, body?: unknown) => adminApi(t.app, method, path, body);
const draft = async () => (await api('POST', '/api/admin/posts', postInput())).body;
const publish = (id: number, body: unknown = { send: true }) => api('POST', `/api/admin/posts/${id}/publish`, body);
const reader = (email: string, status: 'active' | 'pending' = 'active') =>
  t.deps.db
    .insertInto('subscribers')
    .values({ email, email_normalized: email, status, source: 'test', created_at: iso(clock.now()), updated_at: iso(clock.now()) })
    .execute();
const count = async (table: 'sends' | 'deliveries' | 'mail_queue' | 'subscribers') =>
  Number((await t.deps.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const queued = async (kind: 'confirm' | 'welcome') => (await t.deps.db.selectFrom('mail_queue').select('subscriber_id').where('kind', '=', kind).execute()).length;

describe('publishing and its mailing: one unit', () => {
  it('gives one send whose total is the audience, however many publishes race', async () => {
    for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) await reader(email);
    await reader('pending@example.com', 'pending');
    const post = await draft();
    const answers = await Promise.all(Array.from({ length: 20 }, () => publish(post.id)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
    expect(new Set(answers.map((a) => a.body.send.id)).size).toBe(1);
    expect(answers.every((a) => a.body.post.status === 'published' && a.body.send.total === 3)).toBe(true);
    expect(await count('sends')).toBe(1);
    expect(await count('deliveries')).toBe(3);
  });

  it('returns the same send, unchanged, when publishing again after more readers joined', async () => {
    await reader('a@example.com');
    const post = await draft();
    const first = await publish(post.id);
    expect(first.body.send).toMatchObject({ status: 'queued', total: 1, pending: 1 });
    await reader('b@example.com');
    await reader('c@example.com');
    clock.advance(60_000);
    const again = await publish(post.id);
    expect(again.status).toBe(202);
    expect(again.body.send).toEqual(first.body.send);
    expect(await startSend(t.deps, post.id)).toEqual(first.body.send);
    expect(await count('deliveries')).toBe(1);
  });

  it('finishes a send with nobody to mail at once, and a later publish does not refill it', async () => {
    const post = await draft();
    const first = await publish(post.id);
    expect(first.body.send).toMatchObject({ status: 'done', total: 0, started_at: iso(clock.now()), finished_at: iso(clock.now()) });
    await reader('late@example.com');
    expect((await publish(post.id)).body.send).toEqual(first.body.send);
    expect(await count('deliveries')).toBe(0);
  });

  it('leaves the post unpublished and no send when a later statement of the unit fails', async () => {
    await reader('a@example.com');
    const post = await draft();
    // The snapshot of the audience, after the post and its send were written, is refused.
    const allow = await refuseInserts(t.deps.db, 'deliveries', 'deliveries are refused');
    const refused = await publish(post.id);
    expect(refused.status).toBe(500);
    expect((await api('GET', `/api/admin/posts/${post.id}`)).body).toEqual(post);
    expect(await count('sends')).toBe(0);
    await allow();
    const published = await publish(post.id);
    expect(published.body.send).toMatchObject({ total: 1 });
  });

  it('a mailing asked of a draft is refused (409) and writes nothing', async () => {
    const post = await draft();
    await expect(startSend(t.deps, post.id)).rejects.toMatchObject({ code: 'conflict' });
    await expect(startSend(t.deps, post.id + 1)).rejects.toMatchObject({ code: 'not_found' });
    expect(await count('sends')).toBe(0);
  });
});

describe('confirming and its welcome: one unit', () => {
  it('queues one welcome however often, and however concurrently, the link is used', async () => {
    expect((await t.app.request('/api/subscribe', json({ email: 'ann@example.com' }))).status).toBe(202);
    const { id } = await t.deps.db.selectFrom('subscribers').select('id').executeTakeFirstOrThrow();
    const link = `/confirm/${t.deps.tokens.sign('confirm', id, clock.now())}`;
    // The same instant throughout: only the unit's own conditions tell the first confirm apart.
    const answers = [await t.app.request(link, { method: 'POST' }), ...(await Promise.all(Array.from({ length: 5 }, () => t.app.request(link, { method: 'POST' }))))];
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
    clock.advance(1000);
    expect((await t.app.request(link, { method: 'POST' })).status).toBe(200);
    expect(await queued('welcome')).toBe(1);
  });
});

describe('a new reader and their confirmation: one unit', () => {
  it('stores no pending reader when their confirmation cannot be queued', async () => {
    const allow = await refuseInserts(t.deps.db, 'mail_queue', 'mail is refused');
    expect((await t.app.request('/api/subscribe', json({ email: 'ann@example.com' }))).status).toBe(500);
    expect(await count('subscribers')).toBe(0);
    await allow();
    expect((await t.app.request('/api/subscribe', json({ email: 'ann@example.com' }))).status).toBe(202);
    expect(await count('subscribers')).toBe(1);
    expect(await queued('confirm')).toBe(1);
  });

  it('queues one confirmation when requests for a new address arrive together', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => t.app.request('/api/subscribe', json({ email: 'ann@example.com' }))));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
    expect(await count('subscribers')).toBe(1);
    expect(await queued('confirm')).toBe(1);
  });
});

describe('an import within D1 limits', () => {
  const ROWS = 5000;
  const csv = (name: string, tag: string) =>
    ['email,name,tags', ...Array.from({ length: ROWS }, (_, i) => `reader${i}@${i % 10 === 0 ? 'blocked.example' : `d${i % 7}.example`},${name} ${i},${tag}`)].join('\n');

  async function importTwice(likeD1: boolean) {
    const d1 = await openD1LikeSqlite({ likeD1 });
    try {
      await insertSuppression(d1.db, domainSuppression('blocked.example'), 'manual', iso(clock.now()));
      const deps = { ...t.deps, db: d1.db };
      const file = join(t.dataDir, 'list.csv');
      writeFileSync(file, csv('Reader', 'one'));
      const created = await importSubscribers(deps, { file: await fileUpload(file) }, { doubleOptIn: true });
      writeFileSync(file, csv('Renamed', 'two'));
      const updated = await importSubscribers(deps, { file: await fileUpload(file) });
      const tags = await d1.db.selectFrom('subscriber_tags').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      const confirmations = await d1.db.selectFrom('mail_queue').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      return { created, updated, tags: Number(tags.n), confirmations: Number(confirmations.n), maxBound: Math.max(...d1.boundParameters) };
    } finally {
      await d1.db.destroy();
    }
  }

  it('binds at most 100 values a statement where the database says so, and imports the same', async () => {
    const onD1 = await importTwice(true);
    expect(onD1.maxBound).toBeLessThanOrEqual(100);
    expect(onD1.created).toMatchObject({ created: 4500, skipped: 500, confirmations_queued: 4500 });
    // Pending readers stay pending (only a confirmation makes them active), so only names and tags change.
    expect(onD1.updated).toMatchObject({ created: 0, updated: 4500, skipped: 500 });
    expect(onD1.tags).toBe(9000);
    expect(onD1.confirmations).toBe(4500);
    // The control: the same import on plain SQLite binds more, so the bound above is D1's doing.
    const plain = await importTwice(false);
    expect(plain.maxBound).toBeGreaterThan(100);
    expect({ ...plain, maxBound: 0 }).toEqual({ ...onD1, maxBound: 0 });
  });
});
