import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './log.js';
import { createNodeDeps, startWorker } from './runtime.js';

/** `npm start`: HTTP and the background worker in one process, stopped cleanly on SIGTERM. */
async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const deps = await createNodeDeps(config, logger);
  const worker = startWorker(deps);
  const app = createApp(deps, { remoteAddress: (c) => getConnInfo(c).remote.address });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    logger.info('server.listening', {
      url: `http://${info.address.includes(':') ? `[${info.address}]` : info.address}:${info.port}`,
      public_url: config.publicUrl,
      database: config.databaseUrl,
      mail: config.smtpUrl ? 'smtp' : `outbox (${config.dataDir}/outbox)`,
    });
  });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info('server.stopping', { signal });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await worker.stop();
    await deps.mailer.close();
    await deps.db.destroy();
    logger.info('server.stopped', {});
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`broadsheet: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
