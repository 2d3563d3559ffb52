import { createServer } from 'node:http';
import type { TestProject } from 'vitest/node';
import { startSmtpSink } from './smtp-sink.js';

declare module 'vitest' {
  export interface ProvidedContext {
    smtpUrl: string;
    sinkUrl: string;
  }
}

/**
 * Node side of the workers project: a real SMTP server for the Worker to send to (over
 * cloudflare:sockets), and a small HTTP window onto what it received, because tests inside
 * workerd cannot reach this process's memory. Messages are parsed here, by mailparser.
 */
export default async function setup(project: TestProject) {
  const sink = await startSmtpSink();
  const http = createServer((req, res) => {
    if (req.method === 'DELETE') {
      sink.messages.length = 0;
      res.writeHead(204).end();
      return;
    }
    const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to');
    const messages = sink.messages
      .filter((m) => !to || m.envelope.to.includes(to))
      .map((m) => ({
        envelope: m.envelope,
        subject: m.parsed.subject,
        messageId: m.parsed.messageId,
        text: m.parsed.text,
        html: m.parsed.html || '',
        headers: Object.fromEntries(['list-unsubscribe', 'list-unsubscribe-post', 'list-id', 'from', 'to'].map((h) => [h, m.header(h)])),
      }));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(messages));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  if (!address || typeof address === 'string') throw new Error('sink window did not bind');
  project.provide('smtpUrl', sink.url);
  project.provide('sinkUrl', `http://127.0.0.1:${address.port}`);
  return async () => {
    await new Promise((resolve) => http.close(resolve));
    await sink.close();
  };
}
