import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from '../migrations/index.js';
import type { Database } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { openSqlite } from '../src/db/sqlite.js';

let db: Kysely<Database> | undefined;
let dir: string | undefined;
afterEach(async () => {
  await db?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const now = '2026-11-24T09:00:00.000Z';

describe('migration 0006 (send outcomes)', () => {
  it('keeps every send and delivery of a database made before it, with their links and indexes', async () => {
    dir = mkdtempSync(join(tmpdir(), 'broadsheet-migrate-'));
    db = openSqlite(join(dir, 'broadsheet.db'));
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    expect((await migrator.migrateTo('0005_sends')).error).toBeUndefined();

    const legacy = db as unknown as Kysely<any>;
    const subscriber = await legacy
      .insertInto('subscribers')
      .values({ email: 'a@example.com', email_normalized: 'a@example.com', status: 'active', source: 'test', created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const post = await legacy
      .insertInto('posts')
      .values({ slug: 'p', title: 'P', body_markdown: 'x', body_html: '<p>x</p>', summary: 'x', status: 'published', created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await legacy
      .insertInto('sends')
      .values({ id: 7, post_id: post.id, status: 'done', subject: 'P', from_name: 'A', from_address: 'n@example.com', total: 1, sent: 1, created_at: now, updated_at: now })
      .execute();
    await legacy
      .insertInto('deliveries')
      .values({ id: 42, send_id: 7, subscriber_id: subscriber.id, status: 'sent', attempts: 1, next_attempt_at: now, message_id: '<7.42@example.com>', sent_at: now })
      .execute();

    expect(await migrateToLatest(db)).toContain('0006_send_outcomes');

    expect(await db.selectFrom('sends').selectAll().execute()).toEqual([
      expect.objectContaining({ id: 7, post_id: post.id, status: 'done', total: 1, sent: 1, unknown: 0, reason: null }),
    ]);
    expect(await db.selectFrom('deliveries').selectAll().execute()).toEqual([
      expect.objectContaining({ id: 42, send_id: 7, subscriber_id: subscriber.id, status: 'sent', message_id: '<7.42@example.com>' }),
    ]);
    const install = await db.selectFrom('meta').select('value').where('key', '=', 'install_id').executeTakeFirstOrThrow();
    expect(install.value).toMatch(/^[0-9a-f]{24}$/);

    // The new statuses are allowed, anything else still is not.
    await db.updateTable('deliveries').set({ status: 'unknown' }).where('id', '=', 42).execute();
    await db.updateTable('sends').set({ status: 'failed', reason: 'x' }).where('id', '=', 7).execute();
    await expect(db.updateTable('sends').set({ status: 'bogus' as never }).execute()).rejects.toThrow(/CHECK/);
    // The foreign keys point at the new tables: erasing a reader unlinks, deleting a send cascades.
    await db.deleteFrom('subscribers').execute();
    expect((await db.selectFrom('deliveries').select('subscriber_id').executeTakeFirstOrThrow()).subscriber_id).toBeNull();
    await db.deleteFrom('sends').execute();
    expect(await db.selectFrom('deliveries').selectAll().execute()).toEqual([]);
    const indexes = await db.selectFrom('sqlite_master' as never).select('name' as never).where('type' as never, '=', 'index' as never).execute();
    expect(indexes.map((i) => (i as { name: string }).name)).toEqual(
      expect.arrayContaining(['sends_status', 'deliveries_send_subscriber', 'deliveries_send_status', 'deliveries_subscriber']),
    );
    const leftovers = await db.selectFrom('sqlite_master' as never).select('name' as never).where('name' as never, 'like', '%_0005' as never).execute();
    expect(leftovers).toEqual([]);
  });
});
