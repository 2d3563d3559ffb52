import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_ENV } from './helpers/posts-fixtures.js';
import { runCli, startServer, type ServerProcess } from './helpers/server-process.js';
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

describe('an import in another process while the server takes subscribes', () => {
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.stop('SIGKILL');
    server = undefined;
  });

  it('every live subscribe waits its turn for the database and succeeds (202), none fails with "database is locked"', async () => {
    const rows = 40_000;
    const file = join(t.dataDir, 'big.csv');
    writeFileSync(file, ['email,name', ...Array.from({ length: rows }, (_, i) => `bulk${i}@example.com,Bulk ${i}`)].join('\n'));
    const env = { SECRET: t.config.secret, SUBSCRIBE_RATE_LIMIT: '100000/1m', LOG_LEVEL: 'warn' };
    server = await startServer({ dataDir: t.dataDir, env });
    const cli = runCli(['import', file], { DATA_DIR: t.dataDir, ...env, LOG_LEVEL: 'silent' }, 120_000);
    let exited = false;
    void cli.then(() => (exited = true));

    const imported = async () =>
      Number((await t.deps.db.selectFrom('subscribers').select((eb) => eb.fn.countAll<number>().as('n')).where('source', '=', 'import').executeTakeFirstOrThrow()).n);
    const statuses: number[] = [];
    let duringImport = 0;
    for (let round = 0; !exited; round++) {
      const writing = (await imported()) > 0;
      const answers = await Promise.all(
        Array.from({ length: 4 }, (_, i) =>
          fetch(`${server!.url}/api/subscribe`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: `live${round}-${i}@example.com` }),
          }).then((r) => r.status),
        ),
      );
      statuses.push(...answers);
      if (writing && !exited) duringImport += answers.length;
    }
    const done = await cli;
    expect(done.stderr).toBe('');
    expect(done.stdout).toContain(`created ${rows}`);
    // The subscribes really overlapped the writing phase of the import.
    expect(duringImport).toBeGreaterThanOrEqual(20);
    expect(statuses.filter((s) => s !== 202)).toEqual([]);
    expect(server.output()).not.toContain('database is locked');
    expect(await imported()).toBe(rows);
  }, 120_000);
});
