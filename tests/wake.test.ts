import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/open.js';
import { migrateToLatest } from '../src/db/migrate.js';
import type { Deps } from '../src/deps.js';
import { createPostgresWakeChannel } from '../src/jobs/wake-channel-postgres.js';
import { createLogger, silentLogger } from '../src/log.js';
import { createNodeDeps } from '../src/runtime.js';
import { spawnEntry } from './helpers/server-process.js';
import { startSmtpSink, type SmtpSink } from './helpers/smtp-sink.js';
import { json } from './helpers/test-app.js';
import { POSTGRES_URL, postgresUrlFor, psql } from './helpers/test-database.js';

// LISTEN/NOTIFY exists only on PostgreSQL, so both projects run these against the test
// PostgreSQL (a schema of their own); without one they fail, saying so, rather than skip.

let smtp: SmtpSink | undefined;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await smtp?.close();
  smtp = undefined;
});

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'broadsheet-wake-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Resolves when `read()` contains `text` `times` times; rejects after `timeoutMs`. */
async function seen(read: () => string, text: string, times = 1, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (read().split(text).length - 1 < times) {
    if (Date.now() > deadline) throw new Error(`never saw ${text} x${times} in:\n${read()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('wake-ups across processes (PostgreSQL LISTEN/NOTIFY)', () => {
  it('a subscribe in one process gets its confirmation sent by a worker in another at once, not at its next poll', async () => {
    smtp = await startSmtpSink();
    const dataDir = tempDir();
    const env = {
      DATA_DIR: dataDir,
      DATABASE_URL: postgresUrlFor(`wake:${dataDir}`),
      SMTP_URL: smtp.url,
      MAIL_FROM: 'newsletter@example.com',
      PUBLIC_URL: 'https://news.example.com',
      SECRET: 'wake-secret-wake-secret-wake-secret-0123',
      // A minute between polls: only a wake-up can send the confirmation within the test.
      WORKER_POLL_MS: '60000',
      LOG_LEVEL: 'info',
    };
    // The API side, as an `npm start` process without its own worker would be.
    const deps: Deps = await createNodeDeps(loadConfig(env), silentLogger);
    cleanups.push(() => deps.db.destroy());
    const app = createApp(deps);

    const { child, result } = spawnEntry('src/cli.ts', ['worker'], env, 60_000);
    cleanups.push(() => child.kill('SIGKILL'));
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c));
    // Its first pass has run (and found nothing) once it listens; from then on it sleeps a minute.
    await seen(() => stderr, '"wake.listening"', 1, 30_000);

    const answer = await app.request('/api/subscribe', json({ email: 'woken@example.com' }));
    expect(answer.status).toBe(202);
    // Well within the minute: only the NOTIFY can have woken it (it also renders the mail first).
    const [mail] = await smtp.waitFor(1, 10_000);
    expect(mail!.envelope.to).toEqual(['woken@example.com']);

    child.kill('SIGTERM');
    expect((await result).code).toBe(0);
  }, 60_000);

  it('listens again after its connection is cut, and wakes once for what it may have missed', async () => {
    const url = postgresUrlFor(`wake-reconnect:${tempDir()}`);
    const db = openDatabase(url);
    cleanups.push(() => db.destroy());
    await migrateToLatest(db);
    let log = '';
    const logger = createLogger('info', (line) => (log += line));
    const listener = createPostgresWakeChannel(url, db, logger);
    const sender = createPostgresWakeChannel(url, db, silentLogger);
    let wakes = 0;
    const stop = await listener.listen(() => wakes++);
    cleanups.push(stop);
    await seen(() => log, '"wake.listening"');

    const until = async (n: number) => seen(() => 'x'.repeat(wakes), 'x', n, 5000);
    const settle = () => new Promise((r) => setTimeout(r, 300));

    sender.notify();
    await until(1);
    // Its own notifications do not come back to it: its worker was woken directly.
    listener.notify();
    await settle();
    expect(wakes).toBe(1);

    const pid = Number(/"wake\.listening","pid":(\d+)/.exec(log)?.[1]);
    expect(pid).toBeGreaterThan(0);
    psql(POSTGRES_URL, `select pg_terminate_backend(${pid})`);
    await seen(() => log, '"wake.listen_lost"');
    await seen(() => log, '"wake.listening"', 2);
    expect(wakes).toBe(2);
    sender.notify();
    await until(3);

    // Another schema's notifications are not for this one's workers.
    const elsewhere = postgresUrlFor(`wake-elsewhere:${url}`);
    const otherDb = openDatabase(elsewhere);
    cleanups.push(() => otherDb.destroy());
    createPostgresWakeChannel(elsewhere, otherDb, silentLogger).notify();
    await settle();
    expect(wakes).toBe(3);
  }, 30_000);
});
