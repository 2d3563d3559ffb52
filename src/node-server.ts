import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import type { Config } from './config.js';
import type { Deps } from './deps.js';
import { warnIfInsecurePublicUrl } from './public-url-check.js';
import { startWorker } from './runtime.js';

export interface RunningServer {
  /** Where the server listens (not PUBLIC_URL, which may sit behind a proxy). */
  url: string;
  app: ReturnType<typeof createApp>;
  /** Stops accepting requests, lets the worker finish its pass, closes mail and database. */
  close(): Promise<void>;
}

/** HTTP and the background worker in one process: what `npm start` and the demo run. */
export async function startNodeServer(deps: Deps): Promise<RunningServer> {
  const { config, logger } = deps;
  // The app is built once the port is known (see `followBoundPort`); nothing is served before.
  let serving: ReturnType<typeof createApp> | undefined;
  const { server, info } = await new Promise<{ server: ReturnType<typeof serve>; info: AddressInfo }>((resolve, reject) => {
    const s = serve({ fetch: (req, env) => serving!.fetch(req, env), port: config.port, hostname: config.host }, (i) => resolve({ server: s, info: i }));
    s.once('error', reject);
  });
  followBoundPort(config, info.port);
  // In-process requests (the demo's `app.request`) have no socket, and so no address.
  const app = (serving = createApp(deps, { remoteAddress: (c) => (c.env?.incoming ? getConnInfo(c).remote.address : undefined) }));
  const worker = startWorker(deps);
  const host = info.address.includes(':') ? `[${info.address}]` : info.address;
  const url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${info.port}`;
  logger.info('server.listening', {
    url,
    public_url: config.publicUrl,
    database: config.databaseUrl,
    mail: config.sesUrl ? 'ses' : config.smtpUrl ? 'smtp' : `outbox (${config.dataDir}/outbox)`,
  });
  warnIfInsecurePublicUrl(config, logger);
  let closing: Promise<void> | undefined;
  return {
    url,
    app,
    close: () =>
      (closing ??= (async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await worker.stop();
        await deps.mailer.close();
        await deps.db.destroy();
        logger.info('server.stopped', {});
      })()),
  };
}

/** Runs `stop` once on SIGTERM or SIGINT, then exits 0. */
export function stopOnSignals(stop: () => Promise<void>, logger: Deps['logger']): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('server.stopping', { signal });
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('server.stop_failed', { error: error instanceof Error ? error.message : String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => handler('SIGTERM'));
  process.on('SIGINT', () => handler('SIGINT'));
}

/**
 * PORT=0 lets the OS pick a port, and the default PUBLIC_URL (made from PORT) then names port 0,
 * which would go into every link. A PUBLIC_URL on port 0 can only mean this server, so it takes
 * the bound port, before the app or the worker builds a link.
 */
function followBoundPort(config: Config, port: number): void {
  const publicUrl = new URL(config.publicUrl);
  if (config.port !== 0 || publicUrl.port !== '0') return;
  publicUrl.port = String(port);
  config.publicUrl = publicUrl.href.replace(/\/+$/, '');
}
