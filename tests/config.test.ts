import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { runEntry, startServer } from './helpers/server-process.js';
import { startSmtpSink } from './helpers/smtp-sink.js';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'broadsheet-config-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig({ DATA_DIR: dataDir, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['SMTP_URL', 'not a url'],
    ['SMTP_URL', 'http://mail.example.com'],
    ['SMTP_URL', 'mail.example.com:25'],
    ['SUBSCRIBE_RATE_LIMIT', 'lots'],
    ['SUBSCRIBE_RATE_LIMIT', '-5'],
    ['SUBSCRIBE_RATE_LIMIT', '10/1y'],
    ['SUBSCRIBE_RATE_LIMIT', '10/0m'],
    ['SUBSCRIBE_RATE_LIMIT', '10 per minute'],
    ['PUBLIC_URL', 'ftp://news.example.com'],
    ['SECRET', 'too-short'],
    ['LOG_LEVEL', 'chatty'],
    ['MAIL_FROM', 'not-an-address'],
    ['MAIL_FROM', 'a@example.com, b@example.com'],
    ['MAIL_FROM', 'A <a@example.com>, B <b@example.com>'],
    ['MAIL_FROM', 'a@example.com, Desk <d@example.com>'],
    ['MAIL_FROM', 'Desk <d@example.com> <e@example.com>'],
    ['MAIL_FROM', 'Desk <d@example.com>\r\nBcc: victim@example.com'],
    ['MAIL_FROM', 'Desk\n <d@example.com>'],
  ])('refuses %s=%s with one line naming the variable', (name, value) => {
    const error = configError({ [name]: value });
    expect(error.message).not.toContain('\n');
    expect(error.message.startsWith(`Invalid configuration: ${name}: `)).toBe(true);
    expect(error.message.length).toBeLessThan(200);
  });

  it('reads good values, and treats empty variables as unset', () => {
    const config = loadConfig({ DATA_DIR: dataDir, PORT: '8080', SMTP_URL: 'smtps://u:p@mail.example.com:465', SUBSCRIBE_RATE_LIMIT: '5/30s', HOST: '' });
    expect(config).toMatchObject({ port: 8080, host: '0.0.0.0', smtpUrl: 'smtps://u:p@mail.example.com:465', subscribeRateLimit: { count: 5, windowMs: 30_000 } });
    expect(loadConfig({ DATA_DIR: dataDir, SUBSCRIBE_RATE_LIMIT: '0' }).subscribeRateLimit.count).toBe(0);
    expect(loadConfig({ DATA_DIR: dataDir, SUBSCRIBE_RATE_LIMIT: '20' }).subscribeRateLimit).toEqual({ count: 20, windowMs: 60_000 });
  });
});

describe('MAIL_FROM', () => {
  it.each([
    ['news@example.com', 'news@example.com', undefined],
    ['Allycaral Desk <desk@example.com>', 'desk@example.com', 'Allycaral Desk'],
    ['Allycaral Desk<desk@example.com>', 'desk@example.com', 'Allycaral Desk'],
    ['"Quay, the Gazette" <desk@example.com>', 'desk@example.com', 'Quay, the Gazette'],
    ['"Zoë \\"Z\\" Desk" <desk@example.com>', 'desk@example.com', 'Zoë "Z" Desk'],
    ['<desk@example.com>', 'desk@example.com', undefined],
  ])('accepts %s: the address is the sender, the name the default sender name', (value, address, name) => {
    const config = loadConfig({ DATA_DIR: dataDir, MAIL_FROM: value });
    expect({ mailFrom: config.mailFrom, mailFromName: config.mailFromName }).toEqual({ mailFrom: address, mailFromName: name });
  });

  it('`npm start` accepts Name <address>, and mail goes out From that name', async () => {
    const smtp = await startSmtpSink();
    const server = await startServer({ dataDir, env: { MAIL_FROM: 'Allycaral Desk <desk@example.com>', SMTP_URL: smtp.url, WORKER_POLL_MS: '50', LOG_LEVEL: 'silent' } });
    try {
      const res = await fetch(`${server.url}/api/subscribe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'reader@example.com' }) });
      expect(res.status).toBe(202);
      const [mail] = await smtp.waitFor(1);
      expect(mail!.envelope.from).toBe('desk@example.com');
      expect(mail!.parsed.from?.value).toEqual([{ address: 'desk@example.com', name: 'Allycaral Desk' }]);
    } finally {
      await server.stop();
      await smtp.close();
    }
  });
});

describe('SECRET', () => {
  it('without SECRET, generates one in DATA_DIR on first load and reuses it after', () => {
    const first = loadConfig({ DATA_DIR: dataDir });
    const file = join(dataDir, 'secret');
    expect(existsSync(file)).toBe(true);
    expect(first.secret.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.secret);
    // Only the owner may read it: it signs every confirmation and unsubscribe link.
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(loadConfig({ DATA_DIR: dataDir }).secret).toBe(first.secret);

    const elsewhere = mkdtempSync(join(tmpdir(), 'broadsheet-config-'));
    try {
      expect(loadConfig({ DATA_DIR: elsewhere }).secret).not.toBe(first.secret);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('with SECRET set, uses it and writes no file', () => {
    const secret = 's'.repeat(40);
    expect(loadConfig({ DATA_DIR: dataDir, SECRET: secret }).secret).toBe(secret);
    expect(existsSync(join(dataDir, 'secret'))).toBe(false);
  });

  it('creates DATA_DIR when it does not exist yet', () => {
    const nested = join(dataDir, 'a', 'b');
    expect(loadConfig({ DATA_DIR: nested }).dataDir).toBe(nested);
    expect(existsSync(join(nested, 'secret'))).toBe(true);
  });
});

describe('start-up with a bad variable', () => {
  it.each([
    ['PORT', 'not-a-port'],
    ['SMTP_URL', 'http://mail.example.com'],
    ['SUBSCRIBE_RATE_LIMIT', 'lots'],
  ])('`npm start` with %s=%s exits 1 printing one line that names it', async (name, value) => {
    const result = await runEntry('src/server.ts', { DATA_DIR: dataDir, [name]: value });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Invalid configuration: ${name}: `));
    // It stopped before touching anything: no database was created.
    expect(existsSync(join(dataDir, 'broadsheet.db'))).toBe(false);
  });
});
