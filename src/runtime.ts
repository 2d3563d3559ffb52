import { hostname } from 'node:os';
import { join } from 'node:path';
import { systemClock } from './clock.js';
import type { Config } from './config.js';
import { createGroupCommit } from './db/group-commit.js';
import { migrateToLatest } from './db/migrate.js';
import { openDatabase } from './db/open.js';
import { isPostgresUrl } from './db/postgres.js';
import type { Deps } from './deps.js';
import { nodeSwaggerUiAssets } from './http/swagger-ui-node.js';
import { createWorker, type Worker } from './jobs/worker.js';
import type { WorkerOrigin } from './jobs/worker-presence.js';
import { pollingOnly } from './jobs/wake-channel.js';
import { createPostgresWakeChannel } from './jobs/wake-channel-postgres.js';
import { startWorkerLoop, type WorkerLoop } from './jobs/worker-loop.js';
import type { Logger } from './log.js';
import type { Mailer } from './mail/mailer.js';
import { createOutboxMailer } from './mail/outbox-mailer.js';
import { createSesMailer } from './mail/ses-mailer.js';
import { createSmtpMailer } from './mail/smtp-mailer.js';
import { createMarkdownWorker } from './render/markdown-worker.js';
import { createMjmlWorkerCompiler } from './render/mjml-compiler.js';
import { createRenderer } from './render/renderer.js';
import { TEMPLATES_DIR } from './paths.js';
import { createFileScratch } from './subscribers/import/file-scratch.js';
import { createTokens } from './subscriptions/tokens.js';


export function createMailer(config: Config, logger: Logger): Mailer {
  if (config.sesUrl) return createSesMailer({ url: config.sesUrl, dkim: config.dkim });
  return config.smtpUrl
    ? createSmtpMailer({ url: config.smtpUrl, maxConnections: config.sendConcurrency, dkim: config.dkim, logger })
    : createOutboxMailer(join(config.dataDir, 'outbox'), logger);
}

/** The composition root for Node entries: opens and migrates the database, builds every dependency. */
export async function createNodeDeps(config: Config, logger: Logger, overrides: Partial<Deps> = {}): Promise<Deps> {
  const db = overrides.db ?? openDatabase(config.databaseUrl);
  await migrateToLatest(db);
  const wakeChannel = overrides.wakeChannel ?? (isPostgresUrl(config.databaseUrl) ? createPostgresWakeChannel(config.databaseUrl, db, logger) : pollingOnly);
  return {
    db,
    groupCommit: overrides.groupCommit ?? createGroupCommit(db),
    mailer: overrides.mailer ?? createMailer(config, logger),
    clock: overrides.clock ?? systemClock,
    config,
    logger,
    renderer: overrides.renderer ?? createRenderer(TEMPLATES_DIR, createMjmlWorkerCompiler()),
    markdown: overrides.markdown ?? createMarkdownWorker(),
    docsAssets: overrides.docsAssets ?? nodeSwaggerUiAssets(),
    importScratch: overrides.importScratch ?? createFileScratch(config.dataDir),
    tokens: overrides.tokens ?? createTokens(config.secret, config.secretPrevious),
    wakeWorker: () => wakeChannel.notify(),
    wakeChannel,
    fetch: overrides.fetch ?? fetch,
  };
}

/** This process, as the workers table shows it. */
export const nodeWorkerOrigin = (): WorkerOrigin => ({ host: hostname(), pid: process.pid });

/** A worker for this Node process (one pass at a time; `startWorker` loops it). */
export const createNodeWorker = (deps: Deps): Worker => createWorker(deps, nodeWorkerOrigin());

/** Starts the background worker, points `deps.wakeWorker` at it (and the other processes), and listens for theirs. */
export function startWorker(deps: Deps): WorkerLoop {
  const loop = startWorkerLoop(createNodeWorker(deps), {
    pollMs: deps.config.workerPollMs,
    onError: (error) => deps.logger.error('worker.heartbeat_failed', { error: error instanceof Error ? error.message : String(error) }),
  });
  deps.wakeWorker = () => {
    loop.wake();
    deps.wakeChannel.notify();
  };
  const listening = deps.wakeChannel.listen(() => loop.wake());
  return {
    wake: () => loop.wake(),
    async stop() {
      await loop.stop();
      await (await listening)();
    },
  };
}
