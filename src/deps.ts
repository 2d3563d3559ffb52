import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Db } from './db/database.js';
import type { GroupCommit } from './db/group-commit.js';
import type { DocsAssets } from './http/docs-assets.js';
import type { WakeChannel } from './jobs/wake-channel.js';
import type { Logger } from './log.js';
import type { Mailer } from './mail/mailer.js';
import type { MarkdownRenderer } from './posts/markdown-renderer.js';
import type { Renderer } from './render/renderer.js';
import type { ImportScratch } from './subscribers/import/import-scratch.js';
import type { Tokens } from './subscriptions/tokens.js';

/** Everything with a side effect, built once at an entry point and passed down. */
export interface Deps {
  db: Db;
  /** Shared commits for the hot public write path (subscribe). */
  groupCommit: GroupCommit;
  mailer: Mailer;
  clock: Clock;
  config: Config;
  logger: Logger;
  renderer: Renderer;
  /** Swagger UI's files for /docs: read from node_modules on Node, from static assets on Workers. */
  docsAssets: DocsAssets;
  /** Where a CSV import keeps the upload and its valid rows between its passes: files under DATA_DIR on Node, memory on Workers. */
  importScratch: ImportScratch;
  /** Post bodies to HTML, bounded in time (a worker thread on Node). */
  markdown: MarkdownRenderer;
  tokens: Tokens;
  /** Tells a running worker that new work is queued, so mail goes out without waiting a poll. */
  wakeWorker: () => void;
  /** Carries those wake-ups to the workers of other processes on the same database. */
  wakeChannel: WakeChannel;
  /** Outbound HTTP (SNS signing certificates, subscription confirmations); global fetch when unset. */
  fetch?: typeof fetch;
}
