import { Kysely } from 'kysely';
import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import { D1Dialect } from '../db/d1-dialect.js';
import { directCommit } from '../db/group-commit.js';
import type { Deps } from '../deps.js';
import type { DocsAssets } from '../http/docs-assets.js';
import { createLogger, type Logger } from '../log.js';
import type { Mailer } from '../mail/mailer.js';
import { renderMarkdownInProcess } from '../posts/markdown-renderer.js';
import type { Renderer } from '../render/renderer.js';
import type { ImportScratch } from '../subscribers/import/import-scratch.js';
import { createTokens } from '../subscriptions/tokens.js';
import type { WorkerBindings } from './bindings.js';
import { perMessageMailer } from './per-message-mailer.js';
import { queueWakeChannel, type QueueWakeChannel } from './queue-wake-channel.js';

/** What only the Worker entry can build (it alone imports Workers-only modules). */
export interface WorkersEdges {
  mailer: (config: Config, logger: Logger) => Mailer;
  renderer: Renderer;
  docsAssets: DocsAssets;
  importScratch: ImportScratch;
}

export interface WorkersDeps extends Deps {
  wakeChannel: QueueWakeChannel;
  /** A pooled mailer for one invocation's worker pass, to be closed when the pass ends. */
  newMailer: () => Mailer;
}

/**
 * The composition root for Workers: the same Deps as Node's, over D1 and the Queue. Built once
 * per isolate. There is no migration step: wrangler applies migrations/d1 before deploying.
 */
export function createWorkersDeps(env: WorkerBindings, config: Config, edges: WorkersEdges): WorkersDeps {
  // console.log reaches `wrangler tail` and the dashboard's logs as one line per event.
  const logger = createLogger(config.logLevel, (line) => console.log(line.trimEnd()));
  const db = new Kysely<Database>({ dialect: new D1Dialect(env.DB) });
  const wakeChannel = queueWakeChannel(env.DELIVERY_QUEUE, logger);
  const newMailer = () => edges.mailer(config, logger);
  return {
    db,
    // Sharing one unit between requests needs a transaction to roll back: D1 has none.
    groupCommit: directCommit(db),
    mailer: perMessageMailer(newMailer),
    newMailer,
    clock: systemClock,
    config,
    logger,
    renderer: edges.renderer,
    // Workers bound CPU time per invocation themselves.
    markdown: renderMarkdownInProcess,
    docsAssets: edges.docsAssets,
    importScratch: edges.importScratch,
    tokens: createTokens(config.secret, config.secretPrevious),
    wakeWorker: () => wakeChannel.notify(),
    wakeChannel,
    fetch: (input, init) => fetch(input, init),
  };
}
