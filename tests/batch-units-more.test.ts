// First: the app extends zod with `.openapi`, which update-settings's schema needs when it loads.
import { createTestContext, manualClock, type TestContext } from './helpers/test-app.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { iso } from '../src/clock.js';
import type { Database, Db } from '../src/db/database.js';
import { createPost } from '../src/posts/create-post.js';
import { updatePost } from '../src/posts/update-post.js';
import { updateSettings } from '../src/settings/update-settings.js';
import { createSubscriber } from '../src/subscribers/create-subscriber.js';
import { eraseSubscriber } from '../src/subscribers/erase-subscriber.js';
import { updateSubscriber } from '../src/subscribers/update-subscriber.js';
import { insertSuppression } from '../src/suppressions/manage-suppressions.js';
import { addressSuppression } from '../src/suppressions/suppression-value.js';
import { recordBounce, type BounceNotice } from '../src/webhooks/record-bounce.js';
import { openD1OverSqlite } from './helpers/d1-like-sqlite.js';
import { ADMIN_ENV, adminApi, postInput } from './helpers/posts-fixtures.js';
import { refuseInserts, refuseWrites } from './helpers/refuse-writes.js';
import { addSubscriber } from './helpers/subscriber-fixtures.js';

let t: TestContext;
const clock = manualClock();
beforeEach(async () => {
  clock.set(new Date('2026-11-24T09:00:00.000Z'));
  t = await createTestContext({ env: ADMIN_ENV, clock });
});
afterEach(async () => t.close());

const api = (method: string, path: string, body?: unknown) => adminApi(t.app, method, path, body);
// Sorted here: not every table has an id to order by.
const rows = async (table: keyof Database, db: Db = t.deps.db) => (await db.selectFrom(table).selectAll().execute()).map((row) => JSON.stringify(row)).sort();
/** What a failed unit must leave exactly as it found it. */
const snapshot = async (...tables: Array<keyof Database>) => Promise.all(tables.map((table) => rows(table)));

/**
 * Runs `work` against our D1 dialect (see openD1OverSqlite) after `setup`, and reports what
 * the work alone sent D1: its batches, any write that ran outside them, the most values bound.
 */
async function onD1<T>(setup: (db: Db) => Promise<unknown>, work: (deps: Pick<TestContext['deps'], 'db' | 'clock' | 'wakeWorker'>) => Promise<T>) {
  const d1 = await openD1OverSqlite();
  await setup(d1.db);
  for (const list of [d1.alone, d1.batches, d1.boundParameters]) list.length = 0;
  const result = await work({ db: d1.db, clock, wakeWorker: () => {} });
  return {
    result,
    batches: d1.batches.length,
    writesAlone: d1.alone.filter((statement) => !/^\s*select\b/i.test(statement)),
    maxBound: Math.max(...d1.boundParameters),
    after: async (table: keyof Database) => (await rows(table, d1.db)).map((row) => JSON.parse(row) as Record<string, unknown>),
  };
}

const now = () => iso(clock.now());
const seedReader = (db: Db, email: string, status: 'active' | 'bounced' | 'unsubscribed' = 'active') =>
  db
    .insertInto('subscribers')
    .values({ email, email_normalized: email, status, source: 'test', created_at: now(), updated_at: now() })
    .returning('id')
    .executeTakeFirstOrThrow();

describe('erasing a subscriber: one unit', () => {
  it('leaves the reader and the suppression list as they were when its last statement fails', async () => {
    const ann = await addSubscriber(t.app, 'ann@example.com', { tags: ['vip'] });
    expect((await api('PATCH', `/api/admin/subscribers/${ann.id}`, { status: 'unsubscribed' })).status).toBe(200);
    const before = await snapshot('subscribers', 'subscriber_tags', 'suppressions');
    // The suppression entry is written first; the row's deletion, last, is refused.
    const allow = await refuseWrites(t.deps.db, 'subscribers', 'erasure is refused', 'delete');
    expect((await api('DELETE', `/api/admin/subscribers/${ann.id}`)).status).toBe(500);
    expect(await snapshot('subscribers', 'subscriber_tags', 'suppressions')).toEqual(before);
    await allow();
    expect((await api('DELETE', `/api/admin/subscribers/${ann.id}`)).body).toEqual({ id: ann.id, erased: true, suppression_kept: true });
  });

  it('is one batch on D1, binding at most 100 values a statement', async () => {
    const run = await onD1(
      async (db) => {
        const { id } = await seedReader(db, 'bob@example.com', 'bounced');
        await db.insertInto('subscriber_tags').values({ subscriber_id: id, tag: 'vip' }).execute();
      },
      async (deps) => eraseSubscriber(deps, (await deps.db.selectFrom('subscribers').select('id').executeTakeFirstOrThrow()).id),
    );
    expect(run.result).toMatchObject({ erased: true, suppression_kept: true });
    expect({ batches: run.batches, writesAlone: run.writesAlone }).toEqual({ batches: 1, writesAlone: [] });
    expect(run.maxBound).toBeLessThanOrEqual(100);
    expect(await run.after('subscribers')).toEqual([]);
    expect(await run.after('subscriber_tags')).toEqual([]);
    expect(await run.after('suppressions')).toMatchObject([{ kind: 'address', value: null, reason: 'bounce' }]);
  });
});

/** The most tags a subscriber may have: two values each would pass D1's limit in a VALUES list. */
const fiftyTags = Array.from({ length: 50 }, (_, i) => `tag-${i}`);

describe('creating a subscriber: one unit', () => {
  it('stores no reader and no tags when their confirmation cannot be queued', async () => {
    const allow = await refuseInserts(t.deps.db, 'mail_queue', 'mail is refused');
    expect((await api('POST', '/api/admin/subscribers', { email: 'ann@example.com', tags: ['vip'] })).status).toBe(500);
    expect(await snapshot('subscribers', 'subscriber_tags')).toEqual([[], []]);
    await allow();
    expect((await api('POST', '/api/admin/subscribers', { email: 'ann@example.com', tags: ['vip'] })).body).toMatchObject({ status: 'pending', tags: ['vip'] });
  });

  it('is one batch on D1, binding at most 100 values a statement', async () => {
    const run = await onD1(
      async () => {},
      (deps) => createSubscriber(deps, { email: 'ann@example.com', tags: fiftyTags }),
    );
    expect(run.result).toMatchObject({ email: 'ann@example.com', status: 'pending' });
    expect(run.result.tags).toHaveLength(50);
    expect({ batches: run.batches, writesAlone: run.writesAlone }).toEqual({ batches: 1, writesAlone: [] });
    expect(run.maxBound).toBeLessThanOrEqual(100);
    expect(await run.after('mail_queue')).toMatchObject([{ kind: 'confirm', subscriber_id: run.result.id }]);
  });
});

describe('editing a subscriber: one unit', () => {
  /** An unsubscribed reader on the suppression list, brought back with new tags and a new name. */
  const comeback = { name: 'Ann Again', tags: fiftyTags, status: 'active', clear_suppression: true } as const;
  const unsubscribedAndSuppressed = async (db: Db) => {
    const { id } = await seedReader(db, 'ann@example.com', 'unsubscribed');
    await db.insertInto('subscriber_tags').values({ subscriber_id: id, tag: 'old' }).execute();
    await insertSuppression(db, addressSuppression('ann@example.com'), 'manual', now());
    return id;
  };

  it('changes nothing when its last statement fails', async () => {
    const id = await unsubscribedAndSuppressed(t.deps.db);
    const before = await snapshot('subscribers', 'subscriber_tags', 'suppressions');
    // Tags and the suppression entry are written first; the subscriber's own row, last, is refused.
    const allow = await refuseWrites(t.deps.db, 'subscribers', 'edits are refused', 'update');
    expect((await api('PATCH', `/api/admin/subscribers/${id}`, comeback)).status).toBe(500);
    expect(await snapshot('subscribers', 'subscriber_tags', 'suppressions')).toEqual(before);
    await allow();
    expect((await api('PATCH', `/api/admin/subscribers/${id}`, comeback)).body).toMatchObject({ name: 'Ann Again', status: 'active' });
    expect(await rows('suppressions')).toEqual([]);
  });

  it('changes nothing, and answers 409, when the subscriber changed since it was read', async () => {
    const id = await unsubscribedAndSuppressed(t.deps.db);
    const before = await snapshot('subscriber_tags', 'suppressions');
    // The reader re-subscribed after the edit's read (its first statement): that read is stale.
    await t.deps.db.updateTable('subscribers').set({ status: 'active' }).where('id', '=', id).execute();
    let read = false;
    const db = t.deps.db.withPlugin({
      transformQuery: ({ node }) => node,
      async transformResult({ result }) {
        if (read) return result;
        read = true;
        return { ...result, rows: result.rows.map((row) => ({ ...row, status: 'unsubscribed' })) };
      },
    });
    await expect(updateSubscriber({ db, clock }, id, comeback)).rejects.toMatchObject({ code: 'conflict' });
    expect(await snapshot('subscriber_tags', 'suppressions')).toEqual(before);
    expect(await t.deps.db.selectFrom('subscribers').select(['name', 'status']).executeTakeFirstOrThrow()).toEqual({ name: null, status: 'active' });
  });

  it('is one batch on D1, binding at most 100 values a statement', async () => {
    let id = 0;
    const run = await onD1(
      async (db) => {
        id = await unsubscribedAndSuppressed(db);
      },
      (deps) => updateSubscriber(deps, id, comeback),
    );
    expect(run.result).toMatchObject({ name: 'Ann Again', status: 'active', consent: { basis: 'editor' } });
    expect(run.result.tags).toHaveLength(50);
    expect({ batches: run.batches, writesAlone: run.writesAlone }).toEqual({ batches: 1, writesAlone: [] });
    expect(run.maxBound).toBeLessThanOrEqual(100);
    expect(await run.after('suppressions')).toEqual([]);
  });
});

describe('changing settings: one unit', () => {
  it('stores none of them when a later one cannot be stored', async () => {
    expect((await api('PATCH', '/api/admin/settings', { name: 'First' })).status).toBe(200);
    const before = await snapshot('settings');
    // The new description is inserted first; the name, already stored, is then updated: refused.
    const allow = await refuseWrites(t.deps.db, 'settings', 'settings are refused', 'update');
    expect((await api('PATCH', '/api/admin/settings', { description: 'New', name: 'Second' })).status).toBe(500);
    expect(await snapshot('settings')).toEqual(before);
    await allow();
    expect((await api('PATCH', '/api/admin/settings', { description: 'New', name: 'Second' })).body).toMatchObject({ description: 'New', name: 'Second' });
  });

  it('is one batch on D1', async () => {
    const patch = { name: 'N', description: 'D', sender_name: 'S', sender_email: 's@example.com', reply_to: 'r@example.com', postal_address: 'A', public_url: 'https://n.example', language: 'en' };
    const run = await onD1(
      async () => {},
      (deps) => updateSettings({ ...deps, config: t.deps.config }, patch),
    );
    expect(run.result).toMatchObject(patch);
    expect({ batches: run.batches, writesAlone: run.writesAlone }).toEqual({ batches: 1, writesAlone: [] });
    expect(run.maxBound).toBeLessThanOrEqual(100);
  });
});

describe('creating and editing a post: one write each, no unit needed', () => {
  it('gives posts created together with one title each their own slug', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => api('POST', '/api/admin/posts', postInput({ title: 'Hello' }))));
    expect(answers.map((a) => a.status)).toEqual(Array(5).fill(201));
    expect(answers.map((a) => a.body.slug).sort()).toEqual(['hello', 'hello-2', 'hello-3', 'hello-4', 'hello-5']);
  });

  it('writes one statement on D1, outside any batch', async () => {
    const markdown = t.deps.markdown;
    const created = await onD1(
      async () => {},
      (deps) => createPost({ ...deps, markdown }, postInput({ title: 'Hello' })),
    );
    expect(created.writesAlone).toHaveLength(1);
    let id = 0;
    const updated = await onD1(
      async (db) => {
        id = (await createPost({ db, clock, markdown }, postInput({ title: 'Hello' }))).id;
      },
      (deps) => updatePost({ ...deps, markdown }, id, { title: 'Hello again', slug: 'hello-again' }),
    );
    expect(updated.result).toMatchObject({ title: 'Hello again', slug: 'hello-again' });
    expect({ batches: updated.batches, writes: updated.writesAlone.length }).toEqual({ batches: 0, writes: 1 });
  });
});

describe('a bounce notification: one unit', () => {
  const hardBounce = (recipients: string[]): BounceNotice => ({
    provider: 'test',
    eventId: 'event-1',
    kind: 'hard',
    recipients,
    detail: '550 no such user',
    occurredAt: '2026-11-24T08:59:00.000Z',
  });

  it('records neither the event nor any effect when a later statement fails, so the retry applies it', async () => {
    await seedReader(t.deps.db, 'ann@example.com');
    const before = await snapshot('webhook_events', 'suppressions', 'subscribers');
    const allow = await refuseInserts(t.deps.db, 'bounce_events', 'bounces are refused');
    await expect(recordBounce(t.deps, hardBounce(['ann@example.com']))).rejects.toThrow();
    expect(await snapshot('webhook_events', 'suppressions', 'subscribers')).toEqual(before);
    await allow();
    expect(await recordBounce(t.deps, hardBounce(['ann@example.com']))).toEqual({ status: 'processed', matched: 1, suppressed: 1 });
    expect(await recordBounce(t.deps, hardBounce(['ann@example.com']))).toEqual({ status: 'duplicate', matched: 0, suppressed: 0 });
  });

  it('is one batch on D1 for its 100 recipients, binding at most 100 values a statement', async () => {
    const recipients = Array.from({ length: 100 }, (_, i) => `reader${i}@example.com`);
    const run = await onD1(
      async (db) => {
        for (const email of recipients.slice(0, 60)) await seedReader(db, email);
      },
      (deps) => recordBounce(deps, hardBounce(recipients)),
    );
    expect(run.result).toEqual({ status: 'processed', matched: 60, suppressed: 100 });
    expect({ batches: run.batches, writesAlone: run.writesAlone }).toEqual({ batches: 1, writesAlone: [] });
    expect(run.maxBound).toBeLessThanOrEqual(100);
    expect((await run.after('subscribers')).every((row) => row.status === 'bounced')).toBe(true);
    expect(await run.after('bounce_events')).toHaveLength(60);
  });
});
