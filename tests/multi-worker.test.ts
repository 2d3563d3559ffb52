import { afterEach, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { ADMIN_ENV } from './helpers/posts-fixtures.js';
import { spawnEntry } from './helpers/server-process.js';
import { publishWithSend, seedActiveReaders } from './helpers/sending-fixtures.js';
import { createTestContext, type TestContext } from './helpers/test-app.js';

const READERS = 5000;
// What a worker may have handed to SMTP but not yet recorded when it dies: one flush (100
// outcomes) plus the messages in flight (2 × SEND_CONCURRENCY, 4 here).
const IN_FLIGHT_BOUND = 100 + 2 * 4;

let t: TestContext | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await t?.close();
  t = undefined;
});

/** `broadsheet worker` as its own process, on the test's database and SMTP server. */
function startWorkerProcess(ctx: TestContext, env: Record<string, string> = {}) {
  const { child, result } = spawnEntry(
    'src/cli.ts',
    ['worker'],
    {
      DATA_DIR: ctx.dataDir,
      DATABASE_URL: ctx.config.databaseUrl,
      SMTP_URL: ctx.smtp.url,
      MAIL_FROM: 'newsletter@example.com',
      PUBLIC_URL: 'https://news.example.com',
      SECRET: ctx.config.secret,
      SEND_CONCURRENCY: '4',
      WORKER_POLL_MS: '50',
      LOG_LEVEL: 'warn',
      ...env,
    },
    180_000,
  );
  children.push(child);
  return { child, result };
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function sendDone(ctx: TestContext, sendId: number, timeoutMs: number) {
  return until(`send ${sendId} to finish`, timeoutMs, async () => {
    const send = await ctx.deps.db.selectFrom('sends').selectAll().where('id', '=', sendId).executeTakeFirstOrThrow();
    return send.status === 'done' ? send : undefined;
  });
}

/** How many copies each reader received, from what the SMTP server accepted. */
function copiesPerReader(ctx: TestContext): Map<string, number> {
  const copies = new Map<string, number>();
  for (const m of ctx.smtp.messages) for (const to of m.envelope.to) copies.set(to, (copies.get(to) ?? 0) + 1);
  return copies;
}

async function publishToReaders(ctx: TestContext): Promise<number> {
  await seedActiveReaders(ctx.deps, READERS);
  const { body } = await publishWithSend(ctx.app, { title: 'For everyone', body: 'One post, three workers.' });
  return body.send.id as number;
}

describe('three worker processes share one send', () => {
  it('mail every one of 5,000 readers exactly once, each worker taking part', async () => {
    t = await createTestContext({ env: ADMIN_ENV });
    const sendId = await publishToReaders(t);
    for (let i = 0; i < 3; i++) startWorkerProcess(t);

    const send = await sendDone(t, sendId, 150_000);
    expect(send).toMatchObject({ total: READERS, sent: READERS, failed: 0, skipped: 0, unknown: 0 });
    const copies = copiesPerReader(t);
    expect(copies.size).toBe(READERS);
    expect([...copies.values()].filter((n) => n !== 1)).toEqual([]);
    // Every delivery records which worker sent it: all three took a share.
    const byWorker = await t.deps.db
      .selectFrom('deliveries')
      .select((eb) => ['claimed_by', eb.fn.countAll<number>().as('n')])
      .where('send_id', '=', sendId)
      .groupBy('claimed_by')
      .execute();
    expect(byWorker).toHaveLength(3);
    for (const { n } of byWorker) expect(n).toBeGreaterThan(0);
  }, 180_000);

  it('finish without waiting a lease when one is killed with SIGKILL mid-send: nobody missed, duplicates within its in-flight window', async () => {
    t = await createTestContext({ env: ADMIN_ENV });
    const sendId = await publishToReaders(t);
    // A lease far longer than the test may take: only the heartbeat can free the dead worker's rows.
    const env = { SEND_LEASE_MS: '900000' };
    const victim = startWorkerProcess(t, env);
    startWorkerProcess(t, env);
    startWorkerProcess(t, env);
    const ctx = t;
    await until('a third of the send to go out', 120_000, async () => (ctx.smtp.messages.length >= READERS / 3 ? true : undefined));
    process.kill(-victim.child.pid!, 'SIGKILL');
    expect((await victim.result).signal).toBe('SIGKILL');

    const send = await sendDone(t, sendId, 120_000);
    expect(send.sent).toBe(READERS);
    const copies = copiesPerReader(t);
    expect(copies.size).toBe(READERS);
    const duplicates = [...copies.values()].reduce((sum, n) => sum + n - 1, 0);
    expect(duplicates).toBeLessThanOrEqual(IN_FLIGHT_BOUND);
  }, 240_000);
});
