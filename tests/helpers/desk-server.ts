import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { deskClient } from './desk-client.js';
import type { TestContext } from './test-app.js';

export interface DeskServer {
  /** http://127.0.0.1:PORT, where a browser finds the desk already signed in. */
  base: string;
  close(): Promise<void>;
}

/**
 * The desk as the signed-in owner, over real HTTP for a browser: every request goes through the
 * test client's session (its cookie and CSRF token), so the page needs no sign-in of its own.
 * The whole URL is passed on, because the desk checks a form's Origin against it.
 */
export async function serveSignedInDesk(t: TestContext): Promise<DeskServer> {
  const desk = await deskClient(t);
  return new Promise((resolve) => {
    const server = serve(
      {
        fetch: async (req) => {
          const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await req.arrayBuffer();
          return desk.request(req.url, { method: req.method, headers: req.headers, ...(body === undefined ? {} : { body }) });
        },
        port: 0,
        hostname: '127.0.0.1',
      },
      (info: AddressInfo) =>
        resolve({
          base: `http://127.0.0.1:${info.port}`,
          close: () => new Promise<void>((done) => server.close(() => done())),
        }),
    );
  });
}
