import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import { createNodeDeps } from '../src/runtime.js';
import { createSharedPacer } from '../src/sending/shared-pacer.js';
import { startSend } from '../src/sending/start-send.js';
import { seedActiveReaders } from './helpers/sending-fixtures.js';
import { spawnEntry } from './helpers/server-process.js';
import { startSmtpSink, type SmtpSink } from './helpers/smtp-sink.js';
import { createTestContext } from './helpers/test-app.js';
import { withTestDatabase } from './helpers/test-database.js';

const RATE = 20;
const READERS = 60;
const WORKERS = 2;
const CONCURRENCY = 1;
// The pacer spaces dispatches; what the mail server sees can bunch by what each worker may hold:
// its reserved run of ceil(R/10) slots, and the messages in flight (2 x SEND_CONCURRENCY) that
// wait for its SMTP connection to open and then go at once.
const BURST = WORKERS * (Math.ceil(RATE / 10) + 2 * CONCURRENCY);

let smtp: SmtpSink | undefined;
const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await smtp?.close();
  smtp = undefined;
});

function startWorker(env: Record<string, string>) {
  const { child, result } = spawnEntry('src/cli.ts', ['worker'], env, 60_000);
  cleanups.push(() => child.kill('SIGKILL'));
  let stderr = '';
  const started = new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c;
      if (stderr.includes('"worker.started"')) resolve();
    });
    void result.then((r) => reject(new Error(`worker exited before it started (${r.code}):\n${r.stderr}`)));
  });
  return { child, started, result };
}

/** The most arrivals inside any one second (a sliding window over the arrival times). */
function busiestSecond(times: number[]): number {
  let most = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j]! - times[i]! >= 1000) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

describe('SEND_RATE_PER_SECOND across worker processes on one database', () => {
  it('caps the two workers together, not each of them', async () => {
    smtp = await startSmtpSink();
    const dataDir = mkdtempSync(join(tmpdir(), 'broadsheet-rate-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    // A short lease makes small claims (RATE * lease / 4000 = 10 readers), so both workers take part.
    const env = {
      DATA_DIR: dataDir,
      SMTP_URL: smtp.url,
      MAIL_FROM: 'newsletter@example.com',
      SEND_RATE_PER_SECOND: String(RATE),
      SEND_LEASE_MS: '2000',
      SEND_CONCURRENCY: String(CONCURRENCY),
      WORKER_POLL_MS: '50',
      LOG_LEVEL: 'info',
    };
    const deps = await createNodeDeps(loadConfig(withTestDatabase(env)), silentLogger);
    cleanups.push(() => void deps.db.destroy());
    await seedActiveReaders(deps, READERS);
    const now = new Date().toISOString();
    const post = await deps.db
      .insertInto('posts')
      .values({ slug: 'paced', title: 'Paced', body_markdown: 'x', body_html: '<p>x</p>', summary: 'x', status: 'published', published_at: now, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();

    // Both workers are up before there is anything to send, so they share the whole mailing.
    const workers = Array.from({ length: WORKERS }, () => startWorker(env));
    await Promise.all(workers.map((w) => w.started));
    await startSend(deps, post.id);

    const arrivals: number[] = [];
    for (let i = 1; i <= READERS; i++) {
      await smtp.waitFor(i, 30_000);
      while (arrivals.length < smtp.messages.length) arrivals.push(performance.now());
    }
    for (const w of workers) w.child.kill('SIGTERM');
    for (const w of workers) expect((await w.result).code).toBe(0);

    expect(new Set(smtp.messages.map((m) => m.envelope.to[0])).size).toBe(READERS);
    expect(busiestSecond(arrivals)).toBeLessThanOrEqual(RATE + BURST);
  }, 90_000);
});

describe('the shared pacer', () => {
  it('hands two pacers on one database at most about R slots a second together, and an idle one saves none up', async () => {
    const t = await createTestContext();
    cleanups.push(() => void t.close());
    // At 100/s a run is 10 slots: enough for a stale run to show as a burst if it were spent.
    const rate = 100;
    const [a, b] = [createSharedPacer(t.deps.db, rate), createSharedPacer(t.deps.db, rate)];
    const slots: number[] = [];
    const take = async (pacer: typeof a, n: number) => {
      for (let i = 0; i < n; i++) {
        await pacer.wait();
        slots.push(performance.now());
      }
    };
    // A takes one slot of its run and then sits out half a second: the rest of its run goes stale.
    await take(a, 1);
    await new Promise((r) => setTimeout(r, 500));
    await Promise.all([take(a, rate), take(b, rate)]);
    slots.sort((x, y) => x - y);
    // A few over R at most: a timer that fires late lets its slot go out next to the following one.
    expect(busiestSecond(slots)).toBeLessThanOrEqual(rate + 5);
  }, 30_000);
});
