import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from './helpers/server-process.js';
import { startSmtpSink, type SmtpSink } from './helpers/smtp-sink.js';

let server: ServerProcess | undefined;
let sink: SmtpSink | undefined;
afterEach(async () => {
  await server?.stop('SIGKILL');
  if (server) rmSync(server.dataDir, { recursive: true, force: true });
  await sink?.close();
  server = undefined;
  sink = undefined;
});

const subscribe = (url: string, email: string) =>
  fetch(`${url}/api/subscribe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });

async function waitForFile(dir: string, suffix: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (() => {
      try {
        return readdirSync(dir).find((f) => f.endsWith(suffix));
      } catch {
        return undefined;
      }
    })();
    if (found) return join(dir, found);
    if (Date.now() > deadline) throw new Error(`no *${suffix} file appeared in ${dir} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the server process (npm start)', () => {
  it('serves /health, queues and sends a confirmation through SMTP from its worker, and stops cleanly on SIGTERM', async () => {
    sink = await startSmtpSink();
    server = await startServer({ env: { SMTP_URL: sink.url } });

    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    const res = await subscribe(server.url, 'reader@example.com');
    expect(res.status).toBe(202);
    const [mail] = await sink.waitFor(1);
    expect(mail!.envelope.to).toEqual(['reader@example.com']);
    expect(mail!.parsed.subject).toBe('Confirm your subscription to Allycaral');
    // Links point at PUBLIC_URL, so the reader can open them.
    expect(mail!.parsed.text).toContain(`${server.url}/confirm/`);

    const exit = await server.stop('SIGTERM');
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.ms).toBeLessThan(5000);
    const events = server
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => (JSON.parse(l) as { event: string }).event);
    expect(events).toEqual(expect.arrayContaining(['server.listening', 'server.stopping', 'server.stopped']));
  });

  it('with no SMTP_URL, writes the confirmation as a .eml file under DATA_DIR/outbox', async () => {
    server = await startServer();
    expect((await subscribe(server.url, 'outbox@example.com')).status).toBe(202);
    const file = await waitForFile(join(server.dataDir, 'outbox'), '.eml');
    // The file is written in one go, but give the parser a complete message in any case.
    await new Promise((r) => setTimeout(r, 100));
    const mail = await simpleParser(readFileSync(file));
    expect(mail.subject).toBe('Confirm your subscription to Allycaral');
    // mailparser restructures List-* headers; read the line as written.
    const post = mail.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line;
    expect(post).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(mail.text).toContain(`${server.url}/confirm/`);
    expect(server.output()).toContain('"event":"mail.outbox"');
    expect((await server.stop('SIGTERM')).code).toBe(0);
  });

  it('keeps its data across a restart: the same SECRET, so links mailed before still work', async () => {
    sink = await startSmtpSink();
    server = await startServer({ env: { SMTP_URL: sink.url } });
    await subscribe(server.url, 'restart@example.com');
    const [mail] = await sink.waitFor(1);
    const confirm = new URL(mail!.parsed.text!.match(/http:\/\/127\.0\.0\.1:\d+\/confirm\/[^\s\]]+/)![0]).pathname;
    await server.stop('SIGTERM');

    const dataDir = server.dataDir;
    server = await startServer({ dataDir, env: { SMTP_URL: sink.url } });
    const res = await fetch(`${server.url}${confirm}`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You are subscribed');
    await sink.waitFor(2);
    expect(sink.messages[1]!.parsed.subject).toBe('Welcome to Allycaral');
  });

  it('warns at start-up, naming PUBLIC_URL, when PUBLIC_URL is plain http on a real host, and not for localhost', async () => {
    const warnings = (output: string) =>
      output
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { level: string; event: string; message?: string })
        .filter((l) => l.level === 'warn');
    server = await startServer({ env: { PUBLIC_URL: 'http://news.example.com' } });
    await server.stop('SIGTERM');
    const [warning, ...others] = warnings(server.output());
    expect(others).toEqual([]);
    expect(warning).toMatchObject({ event: 'config.public_url_insecure', public_url: 'http://news.example.com' });
    expect(warning!.message).toContain('PUBLIC_URL');
    expect(warning!.message).toContain('RFC 8058');

    server = await startServer({ dataDir: server.dataDir, env: { PUBLIC_URL: 'http://localhost:8080' } });
    await server.stop('SIGTERM');
    expect(warnings(server.output())).toEqual([]);
  });
});
