import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Db } from './database.js';
import { createGroupCommit } from './group-commit.js';
import { migrateToLatest } from './migrate.js';
import { openSqlite } from './sqlite.js';

let dir: string;
let db: Db;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'group-commit-'));
  db = openSqlite(join(dir, 'test.db'));
  await migrateToLatest(db);
});
afterEach(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const insert = (trx: Db, key: string) =>
  trx.insertInto('settings').values({ key, value: '1', updated_at: 'now' }).returning('key').executeTakeFirstOrThrow();
const keys = async () => (await db.selectFrom('settings').select('key').orderBy('key').execute()).map((r) => r.key);

it('commits works that arrive together, each getting its own result', async () => {
  const group = createGroupCommit(db);
  const results = await Promise.all(['a', 'b', 'c'].map((k) => group.run((trx) => insert(trx, k))));
  expect(results.map((r) => r.key)).toEqual(['a', 'b', 'c']);
  expect(await keys()).toEqual(['a', 'b', 'c']);
});

it('a failing work fails alone: its neighbours still commit and nothing of it remains', async () => {
  const group = createGroupCommit(db);
  const outcomes = await Promise.allSettled([
    group.run((trx) => insert(trx, 'first')),
    group.run(async (trx) => {
      await insert(trx, 'half-done');
      throw new Error('boom');
    }),
    group.run((trx) => insert(trx, 'last')),
  ]);
  expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect((outcomes[1] as PromiseRejectedResult).reason.message).toBe('boom');
  expect(await keys()).toEqual(['first', 'last']);
});

it('later works see earlier ones, as if run one after another', async () => {
  const group = createGroupCommit(db);
  const [, second] = await Promise.all([
    group.run((trx) => insert(trx, 'x')),
    group.run(async (trx) => (await trx.selectFrom('settings').select('key').where('key', '=', 'x').executeTakeFirst())?.key),
  ]);
  expect(second).toBe('x');
});
