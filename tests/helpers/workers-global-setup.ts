import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { TestProject } from 'vitest/node';
import { dkimKey } from './dkim-judge.js';
import { startSmtpSink } from './smtp-sink.js';

declare module 'vitest' {
  export interface ProvidedContext {
    smtpUrl: string;
    sinkUrl: string;
    dkimPrivateKey: string;
  }
}

/** The selector of the key the Worker signs with (vitest.config.ts binds DKIM_SELECTOR to it). */
export const WORKERS_DKIM_SELECTOR = 'workers';

/** Size and SHA-256 of the Swagger UI files /docs must serve, as installed in node_modules. */
function swaggerDigests() {
  const dir = createRequire(import.meta.url).resolve('swagger-ui-dist/package.json').replace(/package\.json$/, '');
  return Object.fromEntries(
    ['swagger-ui.css', 'swagger-ui-bundle.js'].map((name) => {
      const bytes = readFileSync(dir + name);
      return [name, { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }];
    }),
  );
}

/** The h= tag of a raw message's DKIM-Signature, as lowercase field names (undefined if unsigned). */
function signedFields(raw: string): string[] | undefined {
  const header = /^DKIM-Signature:((?:.*(?:\r?\n[ \t].*)*))/im.exec(raw)?.[1];
  const h = header && /\bh=([^;]+)/.exec(header)?.[1];
  return h ? h.replace(/\s+/g, '').toLowerCase().split(':') : undefined;
}

/**
 * Node side of the workers project: a real SMTP server for the Worker to send to (over
 * cloudflare:sockets), and a small HTTP window onto what it received, because tests inside
 * workerd cannot reach this process's memory. Messages are parsed here, by mailparser, and
 * DKIM signatures judged here, by mailauth, against the key whose private half the Worker is given.
 *
 *   GET /messages[?to=]  parsed messages          DELETE /messages  forget them
 *   GET /recipients      every envelope recipient, in arrival order (cheap to poll)
 *   GET /dkim[?to=]      mailauth's verdict and the signed header list per message
 *   GET /swagger-ui      size and SHA-256 of node_modules/swagger-ui-dist's two files
 */
export default async function setup(project: TestProject) {
  const sink = await startSmtpSink();
  const key = dkimKey('example.com', WORKERS_DKIM_SELECTOR);
  const http = createServer((req, res) => {
    const send = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'DELETE') {
      sink.messages.length = 0;
      res.writeHead(204).end();
      return;
    }
    const to = url.searchParams.get('to');
    const chosen = sink.messages.filter((m) => !to || m.envelope.to.includes(to));
    if (url.pathname === '/recipients') return send(sink.messages.flatMap((m) => m.envelope.to));
    if (url.pathname === '/swagger-ui') return send(swaggerDigests());
    if (url.pathname === '/dkim') {
      Promise.all(
        chosen.map(async (m) => ({
          to: m.envelope.to,
          subject: m.parsed.subject,
          results: (await key.verify(m.raw)).map((r) => ({ result: r.status.result, comment: r.status.comment })),
          signedFields: signedFields(m.raw),
          fromHeaders: m.raw.split(/\r?\n\r?\n/, 1)[0]!.match(/^From:/gim)?.length ?? 0,
        })),
      ).then(send, (error: Error) => res.writeHead(500).end(error.message));
      return;
    }
    send(
      chosen.map((m) => ({
        envelope: m.envelope,
        subject: m.parsed.subject,
        messageId: m.parsed.messageId,
        text: m.parsed.text,
        html: m.parsed.html || '',
        headers: Object.fromEntries(['list-unsubscribe', 'list-unsubscribe-post', 'list-id', 'from', 'to'].map((h) => [h, m.header(h)])),
      })),
    );
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  if (!address || typeof address === 'string') throw new Error('sink window did not bind');
  project.provide('smtpUrl', sink.url);
  project.provide('sinkUrl', `http://127.0.0.1:${address.port}`);
  project.provide('dkimPrivateKey', key.env.DKIM_PRIVATE_KEY);
  return async () => {
    await new Promise((resolve) => http.close(resolve));
    await sink.close();
  };
}
