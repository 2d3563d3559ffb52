import type { connect } from 'cloudflare:sockets';
import { createPrecompiledRenderer } from '../render/precompiled-renderer.js';
import type { WorkerBindings } from './bindings.js';
import type { WorkersEdges } from './workers-deps.js';

const notYet = (what: string) => () => {
  throw new Error(`${what}: not wired yet`);
};

/** The Workers implementations of the edges Node builds from files and nodemailer. */
export function workersEdges(_env: WorkerBindings, _connect: typeof connect): WorkersEdges {
  return {
    mailer: () => ({ sendRaw: notYet('mailer'), close: async () => {} }),
    renderer: createPrecompiledRenderer(),
    docsAssets: { read: notYet('docs') },
  };
}
