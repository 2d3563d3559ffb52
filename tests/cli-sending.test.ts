import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import { createNodeDeps, createNodeWorker } from '../src/runtime.js';
import { startSend } from '../src/sending/start-send.js';
import { seedActiveReaders } from './helpers/sending-fixtures.js';
import { spawnEntry } from './helpers/server-process.js';
import { startSmtpSink, type SmtpSink } from './helpers/smtp-sink.js';
import { withTestDatabase } from './helpers/test-database.js';

const dirs: string[] = [];
let smtp: SmtpSink | undefined;
afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'broadsheet-cli-'));
  dirs.push(dir);
  return dir;
}

function cli(args: string[], env: Record<string, string>) {
  const { child, result } = spawnEntry('src/cli.ts', args, { LOG_LEVEL: 'warn', ...env }, 60_000);
  return { child, exited: result.then((r) => r.code), output: () => result };
}

describe('npm run demo', () => {
  it('on an empty data directory seeds, publishes, mails every sample reader to the outbox and says where to look', async () => {
    const dataDir = tempDir();
    const run = cli(['demo', '--exit'], { DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' });
    expect(await run.exited).toBe(0);
    const { stdout } = await run.output();
    expect(stdout).toContain('Imported 500 sample readers.');
    expect(stdout).toMatch(/send 1 \(post 1\) done: 500\/500 sent, 0 failed/);
    const port = /Open: +http:\/\/127\.0\.0\.1:(\d+)\/posts\/hello-from-allycaral/.exec(stdout)?.[1];
    expect(Number(port)).toBeGreaterThan(0);
    expect(stdout).not.toMatch(/:0\//);
    const outbox = join(dataDir, 'outbox');
    const files = readdirSync(outbox).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(500);
    const eml = readFileSync(join(outbox, files[0]!), 'utf8');
    expect(eml).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    // PORT=0: the links readers get name the port the demo really listens on.
    const mail = await simpleParser(eml);
    expect(mail.headerLines.find((h) => h.key === 'list-unsubscribe')?.line).toContain(`<http://localhost:${port}/`);
    expect(mail.text).toContain(`http://localhost:${port}/`);
    expect(mail.text).not.toMatch(/localhost:0\//);
  }, 60_000);
});

describe('broadsheet worker and broadsheet sends', () => {
  it('the worker alone delivers a queued send; `sends` reports it done; SIGTERM stops the worker', async () => {
    smtp = await startSmtpSink();
    const dataDir = tempDir();
    const env = { DATA_DIR: dataDir, SMTP_URL: smtp.url, MAIL_FROM: 'newsletter@example.com', WORKER_POLL_MS: '50' };
    // Publish with no worker running, as an API-only process would.
    const deps = await createNodeDeps(loadConfig(withTestDatabase(env)), silentLogger);
    await seedActiveReaders(deps, 12);
    const now = new Date().toISOString();
    const post = await deps.db
      .insertInto('posts')
      .values({ slug: 'apart', title: 'Sent apart', body_markdown: 'x', body_html: '<p>x</p>', summary: 'x', status: 'published', published_at: now, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const send = await startSend(deps, post.id);
    await deps.db.destroy();

    const worker = cli(['worker'], env);
    await smtp.waitFor(12, 30_000);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(new Set(smtp.messages.map((m) => m.envelope.to[0])).size).toBe(12);

    const sends = cli(['sends'], env);
    expect(await sends.exited).toBe(0);
    expect((await sends.output()).stdout).toContain(`send ${send.id} (post ${post.id}) done: 12/12 sent`);
    const follow = cli(['sends', String(send.id)], env);
    expect(await follow.exited).toBe(0);
    expect((await follow.output()).stdout).toContain('done: 12/12 sent');
    const bad = cli(['sends', 'nope'], env);
    expect(await bad.exited).toBe(2);
  }, 60_000);
});

describe('broadsheet sends ID on a send the worker stopped', () => {
  it('shows the paused status, the reason and the unknown count', async () => {
    smtp = await startSmtpSink({ onRecipient: () => ({ code: 554, message: '5.7.1 Relay access denied' }) });
    const dataDir = tempDir();
    const env = { DATA_DIR: dataDir, SMTP_URL: smtp.url, MAIL_FROM: 'newsletter@example.com' };
    const deps = await createNodeDeps(loadConfig(withTestDatabase(env)), silentLogger);
    await seedActiveReaders(deps, 30);
    const now = new Date().toISOString();
    const post = await deps.db
      .insertInto('posts')
      .values({ slug: 'refused', title: 'Refused', body_markdown: 'x', body_html: '<p>x</p>', summary: 'x', status: 'published', published_at: now, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const send = await startSend(deps, post.id);
    const worker = createNodeWorker(deps);
    while ((await worker.runPass()) > 0);
    await deps.mailer.close();
    await deps.db.destroy();

    const follow = cli(['sends', String(send.id)], env);
    expect(await follow.exited).toBe(0);
    const { stdout } = await follow.output();
    expect(stdout).toMatch(new RegExp(`send ${send.id} \\(post ${post.id}\\) paused: 0/30 sent, 0 failed, 0 skipped, 0 unknown, 30 pending`));
    expect(stdout).toMatch(/reason: .*554 5\.7\.1.*Relay access denied/);
  }, 60_000);
});
