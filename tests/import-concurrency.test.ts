import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_ENV } from './helpers/posts-fixtures.js';
import { runCli } from './helpers/server-process.js';
import { importCsv } from './helpers/subscriber-fixtures.js';
import { createTestContext, type TestContext } from './helpers/test-app.js';

let t: TestContext;
beforeEach(async () => {
  t = await createTestContext({ env: ADMIN_ENV });
});
afterEach(async () => t.close());

/** `own` rows only this file has, then `shared` rows both files have (in a different order). */
function overlapping(label: string, own: number, shared: number, reverse: boolean): string {
  const sharedRows = Array.from({ length: shared }, (_, i) => `Shared${i}@Example.com,${label} ${i},${label}`);
  if (reverse) sharedRows.reverse();
  const ownRows = Array.from({ length: own }, (_, i) => `${label}${i}@example.com,,${label}`);
  return ['email,name,tags', ...sharedRows.slice(0, shared / 2), ...ownRows, ...sharedRows.slice(shared / 2)].join('\n');
}

async function checkUnion(own: number, shared: number) {
  const count = await t.deps.db.selectFrom('subscribers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  expect(Number(count.n)).toBe(own * 2 + shared);
  // Every shared address ended up with both files' tags.
  const tagged = await t.deps.db
    .selectFrom('subscriber_tags')
    .innerJoin('subscribers', 'subscribers.id', 'subscriber_tags.subscriber_id')
    .select((eb) => ['subscribers.id', eb.fn.countAll<number>().as('n')])
    .where('subscribers.email_normalized', 'like', 'shared%')
    .groupBy('subscribers.id')
    .execute();
  expect(tagged).toHaveLength(shared);
  expect(tagged.every((r) => Number(r.n) === 2)).toBe(true);
}

describe('concurrent imports of overlapping files', () => {
  it('through the API: every address created once, counts add up, tags merged', async () => {
    const [a, b] = await Promise.all([
      importCsv(t.app, overlapping('alpha', 1500, 2400, false)),
      importCsv(t.app, overlapping('beta', 1500, 2400, true)),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.created + b.body.created).toBe(1500 * 2 + 2400);
    // Each shared row is created by one import and merged (a new tag) by the other.
    expect(a.body.updated + b.body.updated).toBe(2400);
    expect(a.body.skipped + b.body.skipped + a.body.invalid + b.body.invalid).toBe(0);
    await checkUnion(1500, 2400);
  });

  it('the CLI in another process alongside an API import on the same database', async () => {
    const file = join(t.dataDir, 'beta.csv');
    writeFileSync(file, overlapping('beta', 4000, 6000, true));
    const cli = runCli(['import', file], { DATA_DIR: t.dataDir, SECRET: t.config.secret, LOG_LEVEL: 'silent' });
    // Start the API import once the CLI is writing, so the two really interleave.
    let exited = false;
    void cli.then(() => (exited = true));
    while (!exited && (await t.deps.db.selectFrom('subscribers').select('id').limit(1).execute()).length === 0) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const api = await importCsv(t.app, overlapping('alpha', 4000, 6000, false));
    const done = await cli;
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(api.status).toBe(200);
    const [, created, updated] = /created (\d+), updated (\d+)/.exec(done.stdout)!.map(Number);
    expect(api.body.created + created!).toBe(4000 * 2 + 6000);
    expect(api.body.updated + updated!).toBe(6000);
    await checkUnion(4000, 6000);
  });
});
