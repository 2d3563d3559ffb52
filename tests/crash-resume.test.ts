import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from './helpers/server-process.js';
import { startSmtpSink, type SmtpSink } from './helpers/smtp-sink.js';

const KEY = 'crash-test-admin-key-0123456789';
const READERS = 300;
// What the worker may have sent but not yet recorded when killed: one flush (100 outcomes)
// plus the messages in flight (2 × SEND_CONCURRENCY).
const DUPLICATE_BOUND = 100 + 2 * 4;

let smtp: SmtpSink | undefined;
let server: ServerProcess | undefined;
afterEach(async () => {
  await server?.stop('SIGKILL');
  await smtp?.close();
  if (server) rmSync(server.dataDir, { recursive: true, force: true });
});

async function api(base: string, method: string, path: string, body?: string, type = 'application/json') {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, ...(body ? { 'content-type': type } : {}) },
    body,
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a send survives kill -9', () => {
  it('resumes on restart: every reader gets the post, duplicates bounded by what was in flight', async () => {
    smtp = await startSmtpSink();
    const env = {
      SMTP_URL: smtp.url,
      ADMIN_API_KEY: KEY,
      SEND_CONCURRENCY: '4',
      // Slow enough that the kill lands mid-send; a short lease so the restart takes claims back soon.
      SEND_RATE_PER_SECOND: '150',
      SEND_LEASE_MS: '1500',
      WORKER_POLL_MS: '100',
      LOG_LEVEL: 'warn',
    };
    server = await startServer({ env });
    const csv = ['email,name', ...Array.from({ length: READERS }, (_, i) => `reader${i}@example.com,Reader ${i}`)].join('\n');
    const imported = await api(server.url, 'POST', '/api/admin/subscribers/import', csv, 'text/csv');
    expect(imported.status).toBe(200);
    const post = await api(server.url, 'POST', '/api/admin/posts', JSON.stringify({ title: 'Crash-proof', body: 'Every reader, once.' }));
    const published = await api(server.url, 'POST', `/api/admin/posts/${post.body.id}/publish`, '{}');
    expect(published.status).toBe(202);
    expect(published.body.send.total).toBe(READERS);
    const sendId = published.body.send.id;

    await until('the send to be under way', 20_000, () => (smtp!.messages.length >= 60 ? true : undefined));
    const killed = await server.stop('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    const beforeRestart = smtp.messages.length;
    expect(beforeRestart).toBeLessThan(READERS);

    server = await startServer({ env, dataDir: server.dataDir });
    const done = await until('the send to finish after the restart', 40_000, async () => {
      const send = await api(server!.url, 'GET', `/api/admin/sends/${sendId}`);
      return send.body.status === 'done' ? send.body : undefined;
    });
    expect(done).toMatchObject({ total: READERS, sent: READERS, failed: 0, pending: 0 });

    const received = smtp.messages.map((m) => m.envelope.to[0]);
    const distinct = new Set(received);
    for (let i = 0; i < READERS; i++) expect(distinct.has(`reader${i}@example.com`), `reader${i}`).toBe(true);
    expect(distinct.size).toBe(READERS);
    expect(received.length - READERS).toBeLessThanOrEqual(DUPLICATE_BOUND);
  }, 90_000);
});
