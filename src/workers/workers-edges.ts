import type { connect } from 'cloudflare:sockets';
import { createSocketSmtpMailer } from '../mail/socket-smtp-mailer.js';
import { createPrecompiledRenderer } from '../render/precompiled-renderer.js';
import type { WorkerBindings } from './bindings.js';
import type { WorkersEdges } from './workers-deps.js';

/** The Workers implementations of the edges Node builds from files and nodemailer. */
export function workersEdges(_env: WorkerBindings, connectSocket: typeof connect): WorkersEdges {
  return {
    mailer: (config) => {
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
    docsAssets: {
      read: async () => {
        throw new Error('docs assets: not wired yet');
      },
    },
  };
}
