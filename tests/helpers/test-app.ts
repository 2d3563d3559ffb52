import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app.js';
import type { Clock } from '../../src/clock.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Deps } from '../../src/deps.js';
import type { WorkerLoop } from '../../src/jobs/worker-loop.js';
import { silentLogger } from '../../src/log.js';
import { createRenderer } from '../../src/render/renderer.js';
import { TEMPLATES_DIR } from '../../src/paths.js';
import { createNodeDeps, createNodeWorker, startWorker } from '../../src/runtime.js';
import { testDatabaseEnv } from './test-database.js';
import { startSmtpSink, type SinkOptions, type SmtpSink } from './smtp-sink.js';

/** A clock tests can move by hand. */
export function manualClock(start = new Date('2026-11-24T09:00:00.000Z')): Clock & { advance(ms: number): void; set(d: Date): void } {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms) {
      now += ms;
    },
    set(d) {
      now = d.getTime();
    },
  };
}

export interface TestContext {
  app: ReturnType<typeof createApp>;
  deps: Deps;
  config: Config;
  smtp: SmtpSink;
  dataDir: string;
  /** Runs the worker's passes until no work is due (deterministic alternative to the loop). */
  drain(): Promise<void>;
  startWorker(): WorkerLoop;
  close(): Promise<void>;
}

/**
 * A fresh SQLite file with real migrations, a real SMTP server, and the app over them. Each test
 * gets its own, so tests never share state.
 */
export async function createTestContext(
  options: { env?: Record<string, string>; clock?: Clock; smtp?: SinkOptions; deps?: Partial<Deps> } = {},
): Promise<TestContext> {
  const dataDir = mkdtempSync(join(tmpdir(), 'broadsheet-test-'));
  const smtp = await startSmtpSink(options.smtp);
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    PUBLIC_URL: 'https://news.example.com',
    SMTP_URL: smtp.url,
    MAIL_FROM: 'newsletter@example.com',
    SECRET: 'test-secret-test-secret-test-secret-0123',
    PUBLICATION_NAME: 'Allycaral',
    SUBSCRIBE_RATE_LIMIT: '1000/1m',
    TRUST_PROXY: 'true',
    SEND_RETRY_DELAY_MS: '10',
    WORKER_POLL_MS: '20',
    LOG_LEVEL: 'silent',
    ...options.env,
  };
  const config = loadConfig({ ...env, ...testDatabaseEnv(env) });
  // MJML compiles in-process here: a worker thread per test context would load MJML each time.
  // The server-process tests run the worker-thread compiler that production uses.
  const renderer = createRenderer(TEMPLATES_DIR);
  const deps = await createNodeDeps(config, silentLogger, { renderer, ...(options.clock ? { clock: options.clock } : {}), ...options.deps });
  const app = createApp(deps);
  let loop: WorkerLoop | undefined;
  return {
    app,
    deps,
    config,
    smtp,
    dataDir,
    async drain() {
      // Tasks are called directly rather than through runPass, so that a failing task fails the test.
      const worker = createNodeWorker(deps);
      for (;;) {
        await worker.heartbeat();
        let handled = 0;
        for (const task of Object.values(worker.tasks)) handled += await task();
        if (handled === 0) return;
      }
    },
    startWorker() {
      loop = startWorker(deps);
      return loop;
    },
    async close() {
      await loop?.stop();
      await deps.mailer.close();
      await deps.db.destroy();
      await smtp.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Pulls the first URL under PUBLIC_URL with the given path prefix out of a message's text. */
export function linkIn(text: string, prefix: string): string {
  const match = text.match(new RegExp(`https://news\\.example\\.com${prefix}[^\\s\\]>"]+`));
  if (!match) throw new Error(`No ${prefix} link in:\n${text}`);
  return match[0];
}

export const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  body: new URLSearchParams(fields).toString(),
});
