import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SMTPServerOptions } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MailError, type Mailer } from '../src/mail/mailer.js';
import { createSocketSmtpMailer, type SocketSmtpOptions } from '../src/mail/socket-smtp-mailer.js';
import { dkimKey } from './helpers/dkim-judge.js';
import { nodeSocketConnector } from './helpers/node-socket-connector.js';
import { startSmtpSink, type SinkOptions, type SmtpSink } from './helpers/smtp-sink.js';

// A self-signed certificate for 127.0.0.1, trusted by the test connector only.
let tls: { key: string; cert: string };
beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'broadsheet-smtp-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  tls = { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  rmSync(dir, { recursive: true, force: true });
});

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

/** A sink that also counts the connections it accepted and saw closed, and records TLS. */
async function sink(options: SinkOptions = {}) {
  const stats = { connections: 0, closes: 0, secure: 0, auth: [] as string[] };
  const server: Partial<SMTPServerOptions> = {
    onConnect: (_session, callback) => (stats.connections++, callback()),
    onClose: () => void stats.closes++,
    onSecure: (_socket, _session, callback) => (stats.secure++, callback()),
    ...options.server,
  };
  const s = await startSmtpSink({ ...options, server });
  open.push(s);
  return Object.assign(s, { stats });
}

function mailer(s: SmtpSink, options: Partial<SocketSmtpOptions> = {}): Mailer {
  const m = createSocketSmtpMailer({ url: s.url, connect: nodeSocketConnector({ ca: tls.cert }), clientName: 'news.example.com', timeoutMs: 10_000, ...options });
  open.push(m);
  return m;
}

function message(to: string, body = 'Hello.\r\n', extra = ''): string {
  return [
    'From: News <news@example.com>',
    `To: ${to}`,
    'Subject: Issue 1',
    'Date: Tue, 01 Dec 2026 12:00:00 +0000',
    `Message-ID: <${Math.random().toString(36).slice(2)}@example.com>`,
    'List-Unsubscribe: <https://news.example.com/u/1>',
    'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    ...(extra ? [extra] : []),
    '',
    body,
  ].join('\r\n');
}

const send = (m: Mailer, to: string, raw = message(to)) => m.sendRaw({ from: 'bounces@example.com', to }, raw);
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('the send succeeded'),
    (error: unknown) => {
      expect(error).toBeInstanceOf(MailError);
      return error as MailError;
    },
  );

describe('socket SMTP mailer: connection and security', () => {
  it('sends a raw message with our envelope over a plain connection', async () => {
    const s = await sink();
    const raw = message('reader@example.org');
    await send(mailer(s), 'reader@example.org', raw);
    const [mail] = await s.waitFor(1);
    expect(mail!.envelope).toEqual({ from: 'bounces@example.com', to: ['reader@example.org'] });
    expect(mail!.raw).toBe(raw);
    expect(s.stats.secure).toBe(0);
  });

  it('upgrades smtp:// with STARTTLS when the server offers it, and authenticates with PLAIN', async () => {
    const s = await sink({
      server: {
        disabledCommands: [],
        key: tls.key,
        cert: tls.cert,
        authOptional: false,
        authMethods: ['PLAIN'],
        onAuth(auth, session, callback) {
          if (!session.secure) return callback(new Error('TLS first'));
          if (auth.username !== 'news user' || auth.password !== 'p@ss:wörd') return callback(new Error('Invalid username or password'));
          callback(null, { user: `${auth.method}:${auth.username}` });
        },
        onMailFrom: (_address, session, callback) => (session.user ? callback() : callback(new Error('not authenticated'))),
      },
    });
    await send(mailer(s, { url: `smtp://news%20user:${encodeURIComponent('p@ss:wörd')}@127.0.0.1:${s.port}` }), 'reader@example.org');
    expect(await s.waitFor(1)).toHaveLength(1);
    expect(s.stats.secure).toBe(1);
  });

  it('authenticates with LOGIN when that is all the server offers, and a wrong password is our fault', async () => {
    const users: string[] = [];
    const s = await sink({
      server: {
        authOptional: false,
        allowInsecureAuth: true,
        authMethods: ['LOGIN'],
        onAuth(auth, _session, callback) {
          if (auth.password !== 'secret') return callback(Object.assign(new Error('5.7.8 Authentication failed'), { responseCode: 535 }));
          users.push(`${auth.method}:${auth.username}`);
          callback(null, { user: auth.username });
        },
      },
    });
    await send(mailer(s, { url: `smtp://news:secret@127.0.0.1:${s.port}` }), 'reader@example.org');
    expect(users).toEqual(['LOGIN:news']);
    const failure = await failureOf(send(mailer(s, { url: `smtp://news:wrong@127.0.0.1:${s.port}` }), 'reader@example.org'));
    expect(failure).toMatchObject({ kind: 'sender', responseCode: 535, enhancedCode: '5.7.8' });
    expect(s.messages).toHaveLength(1);
  });

  it('speaks TLS from the first byte for smtps://', async () => {
    const s = await sink({ server: { secure: true, key: tls.key, cert: tls.cert } });
    await send(mailer(s, { url: `smtps://127.0.0.1:${s.port}` }), 'reader@example.org');
    expect(await s.waitFor(1)).toHaveLength(1);
    expect(s.stats.secure).toBe(1);
  });

  it('refuses a certificate it does not trust', async () => {
    const s = await sink({ server: { disabledCommands: [], key: tls.key, cert: tls.cert } });
    const untrusting = createSocketSmtpMailer({ url: s.url, connect: nodeSocketConnector(), clientName: 'news.example.com', timeoutMs: 10_000 });
    open.push(untrusting);
    expect((await failureOf(send(untrusting, 'reader@example.org'))).kind).toBe('transient');
    expect(s.messages).toHaveLength(0);
  });
});

describe('socket SMTP mailer: message content', () => {
  it('dot-stuffs, ends lines with CRLF and leaves 8-bit text and long lines as they are', async () => {
    const s = await sink();
    const long = 'x'.repeat(1500);
    const body = ['.leading dot', '..two dots', '.', 'Zoë, naïve café ✓', long, 'bare LF follows'].join('\n') + '\nend\n';
    await send(mailer(s), 'reader@example.org', message('reader@example.org', body).replace(/\r\n/g, '\n'));
    const [mail] = await s.waitFor(1);
    expect(mail!.raw).toBe(message('reader@example.org', body).replace(/\r?\n/g, '\r\n').replace(/Message-ID: <[^>]+>/, mail!.raw.match(/Message-ID: <[^>]+>/)![0]));
    expect(mail!.parsed.text).toContain('.leading dot\n..two dots\n.\nZoë, naïve café ✓\n' + long);
  });

  it('asks for BODY=8BITMIME and SMTPUTF8 only when the message or the addresses need them', async () => {
    const args: unknown[] = [];
    const s = await sink({ server: { onMailFrom: (address, _session, callback) => (args.push(address.args), callback()) } });
    const m = mailer(s);
    await send(m, 'reader@example.org', message('reader@example.org', 'plain ASCII\r\n'));
    await send(m, 'reader@example.org', message('reader@example.org', 'café\r\n'));
    await send(m, 'zoë@exämple.org', message('zoë@exämple.org', 'café\r\n'));
    expect(args).toEqual([false, { BODY: '8BITMIME' }, { BODY: '8BITMIME', SMTPUTF8: true }]);
    expect((await s.waitFor(3)).map((mail) => mail.envelope.to[0])).toEqual(['reader@example.org', 'reader@example.org', 'zoë@exämple.org']);
  });

  it('signs with DKIM so that mailauth verifies it, From oversigned, with PKCS#8 and PKCS#1 keys alike', async () => {
    const key = dkimKey();
    const pkcs1 = createPrivateKey(key.env.DKIM_PRIVATE_KEY).export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(pkcs1).toContain('BEGIN RSA PRIVATE KEY');
    const s = await sink();
    for (const privateKey of [key.env.DKIM_PRIVATE_KEY, pkcs1]) {
      const m = mailer(s, { dkim: { domainName: 'example.com', keySelector: 'test', privateKey } });
      await send(m, 'reader@example.org', message('reader@example.org', 'Zoë  says hi.  \r\n.dot\r\n\r\n'));
    }
    for (const mail of await s.waitFor(2)) {
      expect((await key.verify(mail.raw)).map((r) => r.status.result)).toEqual(['pass']);
      const h = mail.header('DKIM-Signature')!.match(/\bh=([^;]+)/)![1]!.replace(/\s+/g, '').split(':');
      expect(h.filter((f) => f === 'from')).toHaveLength(2);
      expect(h).toEqual(expect.arrayContaining(['list-unsubscribe', 'list-unsubscribe-post', 'message-id']));
      expect((await key.verify(`From: someone@evil.test\r\n${mail.raw}`)).map((r) => r.status.result)).not.toContain('pass');
    }
  });

  it('a key that cannot be read fails the send as our fault', async () => {
    const s = await sink();
    const m = mailer(s, { dkim: { domainName: 'example.com', keySelector: 'test', privateKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' } });
    expect((await failureOf(send(m, 'reader@example.org'))).kind).toBe('sender');
    expect(s.messages).toHaveLength(0);
  });
});

describe('socket SMTP mailer: pool', () => {
  it('sends 200 messages over at most maxConnections connections and closes them all on close', async () => {
    const s = await sink();
    const m = mailer(s, { maxConnections: 3 });
    const readers = Array.from({ length: 200 }, (_, i) => `reader${i}@example.org`);
    await Promise.all(readers.map((to) => send(m, to)));
    const mails = await s.waitFor(200);
    expect(mails.map((mail) => mail.envelope.to[0]).sort()).toEqual([...readers].sort());
    expect(mails.every((mail) => mail.parsed.to && 'text' in mail.parsed.to && mail.parsed.to.text === mail.envelope.to[0])).toBe(true);
    expect(s.stats.connections).toBeGreaterThanOrEqual(1);
    expect(s.stats.connections).toBeLessThanOrEqual(3);
    await m.close();
    await expect.poll(() => s.stats.closes).toBe(s.stats.connections);
  });

  it('sends again on a new connection when a kept one was closed by the server while idle', async () => {
    const s = await sink({ server: { socketTimeout: 300 } });
    const m = mailer(s, { maxConnections: 1 });
    await send(m, 'first@example.org');
    // The server times the idle connection out (421) and closes it.
    await expect.poll(() => s.stats.closes, { timeout: 10_000 }).toBe(1);
    await send(m, 'second@example.org');
    expect((await s.waitFor(2)).map((mail) => mail.envelope.to[0])).toEqual(['first@example.org', 'second@example.org']);
    expect(s.stats.connections).toBe(2);
  });
});

describe('socket SMTP mailer: failures are classified', () => {
  it('reads RCPT refusals by their enhanced code and keeps using the connection after RSET', async () => {
    const refusals: Record<string, { code: number; message: string }> = {
      'gone@example.org': { code: 550, message: '5.1.1 No such user' },
      'relay@example.org': { code: 554, message: '5.7.1 Relay access denied' },
      'busy@example.org': { code: 452, message: '4.2.2 Mailbox full, try later' },
    };
    const s = await sink({ onRecipient: (a) => refusals[a] });
    const m = mailer(s, { maxConnections: 1 });
    expect(await failureOf(send(m, 'gone@example.org'))).toMatchObject({ kind: 'recipient', responseCode: 550, enhancedCode: '5.1.1' });
    expect(await failureOf(send(m, 'relay@example.org'))).toMatchObject({ kind: 'sender', responseCode: 554, enhancedCode: '5.7.1' });
    expect(await failureOf(send(m, 'busy@example.org'))).toMatchObject({ kind: 'transient', responseCode: 452 });
    await send(m, 'reader@example.org');
    expect((await s.waitFor(1)).map((mail) => mail.envelope)).toEqual([{ from: 'bounces@example.com', to: ['reader@example.org'] }]);
    expect(s.stats.connections).toBe(1);
  });

  it('a refused sender and a refused message are classified as such', async () => {
    const s = await sink({
      onSender: (a) => (a === 'blocked@example.com' ? { code: 550, message: '5.7.1 Sender blocked' } : undefined),
      onMessage: () => ({ code: 554, message: '5.6.0 Message content rejected' }),
    });
    const m = mailer(s);
    expect(await failureOf(m.sendRaw({ from: 'blocked@example.com', to: 'reader@example.org' }, message('reader@example.org')))).toMatchObject({ kind: 'sender', responseCode: 550 });
    expect(await failureOf(send(m, 'reader@example.org'))).toMatchObject({ kind: 'message', responseCode: 554, enhancedCode: '5.6.0' });
    expect(s.refused).toHaveLength(1);
  });

  it('a connection cut before the final dot is transient, and the next message gets a new connection', async () => {
    const s = await sink({ onMessage: (i) => (i === 0 ? 'drop' : undefined) });
    const m = mailer(s, { maxConnections: 1 });
    const failure = await failureOf(send(m, 'first@example.org'));
    expect(failure.kind).toBe('transient');
    expect(failure.responseCode).toBeUndefined();
    await send(m, 'second@example.org');
    expect((await s.waitFor(1)).map((mail) => mail.envelope.to[0])).toEqual(['second@example.org']);
    expect(s.stats.connections).toBe(2);
  });

  it('a connection cut after the final dot, before the answer, is unknown: the server has the message', async () => {
    const s = await sink({ onMessage: () => 'drop-after-data' });
    const failure = await failureOf(send(mailer(s), 'reader@example.org'));
    expect(failure.kind).toBe('unknown');
    expect(s.messages.map((mail) => mail.envelope.to[0])).toEqual(['reader@example.org']);
  });

  it('refuses envelope addresses that would smuggle in SMTP commands', async () => {
    const s = await sink();
    const m = mailer(s);
    expect((await failureOf(send(m, 'a@example.org>\r\nRCPT TO:<b@example.org'))).kind).toBe('recipient');
    expect((await failureOf(m.sendRaw({ from: 'x@example.com>\r\nRSET', to: 'a@example.org' }, message('a@example.org')))).kind).toBe('sender');
    expect(s.stats.connections).toBe(0);
  });

  it('no server listening is transient', async () => {
    const s = await sink();
    const url = s.url;
    await s.close();
    const m = createSocketSmtpMailer({ url, connect: nodeSocketConnector(), clientName: 'news.example.com', timeoutMs: 10_000 });
    expect((await failureOf(send(m, 'reader@example.org'))).kind).toBe('transient');
    await m.close();
  });
});
