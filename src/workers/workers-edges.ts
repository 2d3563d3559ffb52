import { fetcherDocsAssets } from '../http/docs-assets-fetcher.js';
import { createSesMailer } from '../mail/ses-mailer.js';
import type { SocketConnector } from '../mail/socket-connector.js';
import { createSocketSmtpMailer } from '../mail/socket-smtp-mailer.js';
import { createMemoryScratch } from '../subscribers/import/memory-scratch.js';
import { createPrecompiledRenderer } from '../render/precompiled-renderer.js';
import type { WorkerBindings } from './bindings.js';
import type { WorkersEdges } from './workers-deps.js';

// Swagger UI's two files come from the static assets (`npm run build:worker-assets`), not the bundle.
function assetsOf(env: WorkerBindings) {
  if (!env.ASSETS) throw new Error('The ASSETS binding is missing: see [assets] in wrangler.toml');
  return env.ASSETS;
}

/** The Workers implementations of the edges Node builds from files and nodemailer. */
export function workersEdges(env: WorkerBindings, connectSocket: SocketConnector): WorkersEdges {
  return {
    mailer: (config) => {
      if (config.sesUrl) return createSesMailer({ url: config.sesUrl, dkim: config.dkim });
      if (!config.smtpUrl) throw new Error('SMTP_URL is not set');
      return createSocketSmtpMailer({
        url: config.smtpUrl,
        connect: connectSocket,
        clientName: config.mailFrom.split('@').pop()!,
        maxConnections: config.sendConcurrency,
        dkim: config.dkim,
      });
    },
    renderer: createPrecompiledRenderer(),
    docsAssets: fetcherDocsAssets(assetsOf(env)),
    // A quarter of an isolate's 128 MB: rows held as objects take about 5× the CSV's size.
    importScratch: createMemoryScratch(16 * 1024 * 1024),
  };
}
