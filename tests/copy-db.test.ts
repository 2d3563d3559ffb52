import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Migrator, sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from '../migrations/index.js';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { dialectOf } from '../src/db/dialect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { openDatabase } from '../src/db/open.js';
import { silentLogger } from '../src/log.js';
import { TEMPLATES_DIR } from '../src/paths.js';
import { createRenderer } from '../src/render/renderer.js';
import { createNodeDeps } from '../src/runtime.js';
import { memberLinks } from '../src/subscriptions/member-links.js';
import { createTokens } from '../src/subscriptions/tokens.js';
import { ADMIN_ENV, adminApi } from './helpers/posts-fixtures.js';
import { runCli } from './helpers/server-process.js';
import { publishWithSend, seedActiveReaders } from './helpers/sending-fixtures.js';
import { addSubscriber } from './helpers/subscriber-fixtures.js';
import { createTestContext, form, json, type TestContext } from './helpers/test-app.js';
import { onPostgres, postgresUrlFor } from './helpers/test-database.js';

const SECRET = 'test-secret-test-secret-test-secret-0123';
const PUBLIC_URL = 'https://news.example.com';
const CORE_TABLES = ['api_keys', 'bounce_events', 'deliveries', 'mail_queue', 'meta', 'posts', 'sends', 'settings', 'subscriber_tags', 'subscribers', 'suppressions', 'webhook_events'];

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'broadsheet-copy-db-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const freshPostgres = () => postgresUrlFor(`copy-db-${randomBytes(8).toString('hex')}`);

/** `broadsheet copy-db ...` as an operator runs it: DATA_DIR only so the CLI keeps its files out of the repo. */
const copyDb = (...args: string[]) => runCli(['copy-db', ...args], { DATA_DIR: tempDir(), LOG_LEVEL: 'silent' }, 120_000);

function open(url: string): Kysely<any> {
  const db = openDatabase(url);
  cleanups.push(() => db.destroy());
  return db;
}

/** Every row of every table in the database's own schema, each table's rows in one fixed order. */
async function dump(url: string): Promise<Record<string, unknown[]>> {
  const db = openDatabase(url);
  try {
    const schema = dialectOf(db) === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]!.s : undefined;
    const tables = (await db.introspection.getTables()).filter((t) => t.schema === schema && !t.isView);
    const out: Record<string, unknown[]> = {};
    for (const t of tables) {
      const rows = await (db as Kysely<any>).selectFrom(t.name).selectAll().execute();
      // Key order inside a row differs between the dialects (0006 rebuilt two tables on SQLite only).
      const canonical = rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1)))));
      out[t.name] = canonical.sort();
    }
    return out;
  } finally {
    await db.destroy();
  }
}

/** A publication with some of everything, built through the HTTP API as an editor and readers would. */
async function seedPublication(t: TestContext) {
  const key = await adminApi(t.app, 'POST', '/api/admin/keys', { name: 'deploy script' });
  expect(key.status).toBe(201);
  expect((await adminApi(t.app, 'PATCH', '/api/admin/settings', { name: 'Allycaral Weekly', postal_address: '1 Quay Street, Harbourtown' })).status).toBe(200);
  const ann = await addSubscriber(t.app, 'ann@example.com', { name: 'Ann', tags: ['harbour', 'weekly'] });
  const bob = await addSubscriber(t.app, 'bob@example.com', { tags: ['weekly'] });
  const leaver = await addSubscriber(t.app, 'leaver@example.com');
  expect((await t.app.request('/api/subscribe', json({ email: 'pending@example.com', name: 'Pat' }))).status).toBe(202);
  const tokens = createTokens(SECRET);
  const leave = new URL(memberLinks(PUBLIC_URL, tokens, leaver.id).unsubscribe_url).pathname;
  expect((await t.app.request(leave, form({ 'List-Unsubscribe': 'One-Click' }))).status).toBe(200);
  expect((await adminApi(t.app, 'POST', '/api/admin/suppressions', { value: 'blocked.example' })).status).toBe(201);
  expect((await adminApi(t.app, 'POST', '/api/admin/suppressions', { value: 'no@example.com', reason: 'complaint' })).status).toBe(201);

  const send = await publishWithSend(t.app, { title: 'Tides of November', body: 'The *boats* came in early.' });
  expect(send.status).toBe(202);
  await t.drain();
  const finished = await adminApi(t.app, 'GET', `/api/admin/sends/${send.body.send.id}`);
  expect(finished.body).toMatchObject({ status: 'done', total: 2, sent: 2 });
  await adminApi(t.app, 'POST', '/api/admin/posts', { title: 'A draft for later', body: 'Not yet.' });

  // Enough rows that subscribers and their composite-keyed tags span several pages of the copy.
  const readers = await seedActiveReaders(t.deps, 1500, 'readers.example');
  const tags = readers.flatMap((id) => [{ subscriber_id: id, tag: 'bulk' }, { subscriber_id: id, tag: `group-${id % 7}` }]);
  for (let i = 0; i < tags.length; i += 400) await t.deps.db.insertInto('subscriber_tags').values(tags.slice(i, i + 400)).execute();

  // The newest subscriber is erased: its id must never be handed out again, even on the copy.
  const erased = await addSubscriber(t.app, 'erased@example.com');
  expect((await adminApi(t.app, 'DELETE', `/api/admin/subscribers/${erased.id}`)).status).toBe(200);
  return { apiKey: key.body.key as string, ann: ann.id as number, bob: bob.id as number, erasedId: erased.id as number };
}

/** The product running on a copied database, with the publication's SECRET and no bootstrap key. */
async function appOn(url: string) {
  const dataDir = tempDir();
  const config = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: url, SECRET, PUBLIC_URL, MAIL_FROM: 'newsletter@example.com', LOG_LEVEL: 'silent' });
  const deps = await createNodeDeps(config, silentLogger, { renderer: createRenderer(TEMPLATES_DIR) });
  cleanups.push(async () => {
    await deps.mailer.close();
    await deps.db.destroy();
  });
  return { app: createApp(deps), deps };
}

describe('broadsheet copy-db', () => {
  it('moves a publication to the other database and back: every row and id kept, links and keys still working, new ids past the old', async () => {
    const t = await createTestContext({ env: ADMIN_ENV });
    cleanups.push(() => t.close());
    const seeded = await seedPublication(t);

    // Whichever database the project runs on, the trip covers SQLite -> PostgreSQL and back.
    const a = t.config.databaseUrl;
    const sqliteFile = join(tempDir(), 'copied.db');
    const [b, c] = onPostgres ? [sqliteFile, freshPostgres()] : [freshPostgres(), sqliteFile];

    const original = await dump(a);
    expect(Object.keys(original)).toEqual(expect.arrayContaining(CORE_TABLES));
    expect(original.subscribers).toHaveLength(1504);
    expect(original.subscriber_tags).toHaveLength(3003);
    expect(original.deliveries).toHaveLength(2);

    const first = await copyDb(a, b);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^subscribers +1504 +1504 +1504 +1504$/m);
    expect(first.stdout).toMatch(/^subscriber_tags +3003 +3003 +- +-$/m);
    expect(first.stdout).toContain('counts verified on both sides');
    expect(await dump(b)).toEqual(original);

    const second = await copyDb(b, c);
    expect(second.code).toBe(0);
    expect(await dump(c)).toEqual(original);

    for (const url of [b, c]) {
      const { app, deps } = await appOn(url);
      const bearer = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });
      expect((await app.request('/api/admin/subscribers?limit=1', bearer('bs_not-a-key-that-exists'))).status).toBe(401);
      expect((await app.request('/api/admin/subscribers?limit=1', bearer(seeded.apiKey))).status).toBe(200);

      // A link in a mail sent before the move still acts on the same reader.
      const unsubscribe = new URL(memberLinks(PUBLIC_URL, createTokens(SECRET), seeded.bob).unsubscribe_url).pathname;
      expect((await app.request(unsubscribe, form({ 'List-Unsubscribe': 'One-Click' }))).status).toBe(200);
      const statuses = await deps.db.selectFrom('subscribers').select(['id', 'status']).where('id', 'in', [seeded.ann, seeded.bob]).orderBy('id').execute();
      expect(statuses).toEqual([
        { id: seeded.ann, status: 'active' },
        { id: seeded.bob, status: 'unsubscribed' },
      ]);

      const created = await app.request('/api/admin/subscribers', { ...json({ email: 'after-the-move@example.com', status: 'active' }), headers: { 'content-type': 'application/json', authorization: `Bearer ${seeded.apiKey}` } });
      expect(created.status).toBe(201);
      expect(((await created.json()) as { id: number }).id).toBe(seeded.erasedId + 1);
      const post = await deps.db
        .insertInto('posts')
        .values({ slug: 'after-the-move', title: 'After', body_markdown: 'x', body_html: '<p>x</p>', summary: 'x', status: 'draft', created_at: 'now', updated_at: 'now' })
        .returning('id')
        .executeTakeFirstOrThrow();
      expect(post.id).toBe(Math.max(...(original.posts as string[]).map((p) => JSON.parse(p).id)) + 1);
    }
  }, 180_000);

  it('refuses a target that already holds data and leaves it exactly as it was', async () => {
    const source = join(tempDir(), 'source.db');
    const sourceDb = open(source);
    await migrateToLatest(sourceDb);
    await sourceDb.insertInto('settings').values({ key: 'name', value: '"Allycaral"', updated_at: 'now' }).execute();

    const target = onPostgres ? freshPostgres() : join(tempDir(), 'target.db');
    const targetDb = open(target);
    await migrateToLatest(targetDb);
    await targetDb
      .insertInto('subscribers')
      .values({ email: 'kept@example.com', email_normalized: 'kept@example.com', status: 'active', source: 'api', created_at: 'now', updated_at: 'now' })
      .execute();
    const before = await dump(target);

    const refused = await copyDb(source, target);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('The target already holds data: subscribers (1 row)');
    expect(refused.stdout).toBe('');
    expect(await dump(target)).toEqual(before);
  }, 60_000);

  it('refuses a source that is not at the latest migration, and migrates neither database', async () => {
    const source = join(tempDir(), 'old.db');
    const sourceDb = open(source);
    const older = await new Migrator({ db: sourceDb, provider: { getMigrations: async () => migrations } }).migrateTo('0004_subscriber_management');
    expect(older.error).toBeUndefined();
    const target = join(tempDir(), 'new.db');

    const refused = await copyDb(source, target);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('The source is not at the latest migration (pending: 0005_sends, 0006_send_outcomes');
    expect(refused.stderr).toContain('broadsheet migrate');
    const applied = await sourceDb.selectFrom('kysely_migration').select('name').orderBy('name').execute();
    expect(applied.map((r) => r.name)).toEqual(['0001_subscribers', '0002_keys_and_posts', '0003_post_publishing', '0004_subscriber_management']);
    expect(Object.keys(await dump(target))).toEqual([]);
  }, 60_000);

  it('answers a usage error (exit 2) for missing arguments, unknown URL schemes and a missing source file', async () => {
    const dir = tempDir();
    const missing = join(dir, 'no-such.db');
    const cases: [string[], string][] = [
      [[], 'usage: broadsheet copy-db FROM_URL TO_URL'],
      [[join(dir, 'a.db')], 'usage: broadsheet copy-db FROM_URL TO_URL'],
      [['mysql://root:hunter2@db/news', join(dir, 'b.db')], 'unsupported database URL'],
      [[missing, join(dir, 'c.db')], `no such SQLite file: ${missing}`],
      [['postgres://[broken', join(dir, 'd.db')], 'not a valid PostgreSQL URL'],
    ];
    const results = await Promise.all(cases.map(([args]) => copyDb(...args)));
    results.forEach((result, i) => {
      expect(result.code, cases[i]![0].join(' ')).toBe(2);
      expect(result.stderr).toContain(cases[i]![1]);
      expect(result.stderr).not.toContain('hunter2');
    });
    // Refused before anything was opened: no database file appeared.
    expect(existsSync(missing)).toBe(false);
    expect(existsSync(join(dir, 'b.db'))).toBe(false);
  }, 60_000);
});
