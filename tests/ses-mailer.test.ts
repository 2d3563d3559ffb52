import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { signAwsRequest } from '../src/mail/aws-sigv4.js';
import { MailError } from '../src/mail/mailer.js';
import { createSesMailer } from '../src/mail/ses-mailer.js';
import { dkimKey } from './helpers/dkim-judge.js';

const KEY_ID = 'AKIDEXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';

describe('AWS Signature V4', () => {
  // Cases from AWS's SigV4 test suite (aws-sig-v4-test-suite: post-vanilla, post-x-www-form-urlencoded).
  const suite = { region: 'us-east-1', service: 'service' };
  const date = new Date('2015-08-30T12:36:00Z');
  it.each([
    ['post-vanilla', {}, '', 'host;x-amz-date', '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b'],
    ['post-x-www-form-urlencoded', { 'Content-Type': 'application/x-www-form-urlencoded' }, 'Param1=value1', 'content-type;host;x-amz-date', 'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a'],
  ])('matches the documented signature for %s', async (_name, headers, body, signedHeaders, signature) => {
    const signed = await signAwsRequest({ method: 'POST', url: 'https://example.amazonaws.com/', headers, body }, { accessKeyId: KEY_ID, secretAccessKey: SECRET }, suite, date);
    expect(signed['x-amz-date']).toBe('20150830T123600Z');
    expect(signed.authorization).toBe(`AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=${signedHeaders}, Signature=${signature}`);
  });
});

interface SesRequest {
  body: { FromEmailAddress: string; Destination: { ToAddresses: string[] }; Content: { Raw: { Data: string } } };
  raw: string;
}
type Answer = { status: number; type?: string; message?: string } | 'destroy';

/**
 * A fake SES v2 API: checks each request's signature with its own SigV4 (node:crypto, written
 * apart from the one under test) and answers 403 InvalidSignatureException when it does not match.
 */
async function fakeSes(answer: (request: SesRequest) => Answer = () => ({ status: 200 })) {
  const received: SesRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const reply = (status: number, type?: string, message = '') => {
      res.writeHead(status, { 'content-type': 'application/json', ...(type ? { 'x-amzn-ErrorType': `${type}:http://internal.amazon.com/coral/com.amazonaws.sesv2/` } : {}) });
      res.end(status === 200 ? JSON.stringify({ MessageId: `m${received.length}` }) : JSON.stringify({ message }));
    };
    if (req.method !== 'POST' || req.url !== '/v2/email/outbound-emails') return reply(404, 'NotFoundException', `no ${req.method} ${req.url}`);
    const problem = signatureProblem(req, text);
    if (problem) return reply(403, 'InvalidSignatureException', problem);
    const body = JSON.parse(text) as SesRequest['body'];
    const request = { body, raw: Buffer.from(body.Content.Raw.Data, 'base64').toString('utf8') };
    received.push(request);
    const a = answer(request);
    if (a === 'destroy') return req.socket.destroy();
    reply(a.status, a.type, a.message);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const fake = {
    received,
    port,
    url: (secret = SECRET) => `http://${KEY_ID}:${encodeURIComponent(secret)}@127.0.0.1:${port}?region=eu-west-1`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  servers.push(fake);
  return fake;
}

function signatureProblem(req: IncomingMessage, body: string): string | undefined {
  const auth = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(req.headers.authorization ?? '');
  if (!auth) return 'no SigV4 Authorization header';
  const [, keyId, day, region, service, signedHeaders, signature] = auth as unknown as string[];
  if (keyId !== KEY_ID || region !== 'eu-west-1' || service !== 'ses') return `wrong scope ${keyId}/${region}/${service}`;
  const amzDate = String(req.headers['x-amz-date']);
  if (amzDate.slice(0, 8) !== day) return 'x-amz-date is not the credential day';
  const names = signedHeaders!.split(';');
  if (!['host', 'x-amz-date', 'content-type'].every((n) => names.includes(n))) return `signed headers ${signedHeaders}`;
  const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
  const canonical = ['POST', '/v2/email/outbound-emails', '', ...names.map((n) => `${n}:${String(req.headers[n]).trim()}`), '', signedHeaders, sha(body)].join('\n');
  let key: Buffer = Buffer.from(`AWS4${SECRET}`);
  for (const part of [day!, region!, service!, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  const expected = createHmac('sha256', key).update(['AWS4-HMAC-SHA256', amzDate, `${day}/${region}/${service}/aws4_request`, sha(canonical)].join('\n')).digest('hex');
  return expected === signature ? undefined : 'The request signature we calculated does not match the signature you provided.';
}

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

const message = (to: string) =>
  ['From: News <news@example.com>', `To: ${to}`, 'Subject: Issue 1 — Zoë', 'Date: Tue, 01 Dec 2026 12:00:00 +0000', 'Message-ID: <1@example.com>', 'List-Unsubscribe: <https://news.example.com/u/1>', 'List-Unsubscribe-Post: List-Unsubscribe=One-Click', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', 'Hello, café ✓.', '.dot line', ''].join('\n');
const envelope = { from: 'bounces@example.com', to: 'reader@example.org' };
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('the send succeeded'),
    (error: unknown) => {
      expect(error).toBeInstanceOf(MailError);
      return error as MailError;
    },
  );

describe('SES mailer', () => {
  it('sends the raw message with our envelope in a request the fake SES finds correctly signed', async () => {
    const ses = await fakeSes();
    await createSesMailer({ url: ses.url() }).sendRaw(envelope, message('reader@example.org'));
    expect(ses.received).toHaveLength(1);
    const [request] = ses.received;
    expect(request!.body.FromEmailAddress).toBe('bounces@example.com');
    expect(request!.body.Destination).toEqual({ ToAddresses: ['reader@example.org'] });
    expect(request!.raw).toBe(message('reader@example.org').replace(/\n/g, '\r\n'));
    const parsed = await simpleParser(request!.raw);
    expect(parsed.subject).toBe('Issue 1 — Zoë');
    expect(parsed.text).toBe('Hello, café ✓.\n.dot line\n');
  });

  it('a wrong secret is refused by the signature check, as our fault', async () => {
    const ses = await fakeSes();
    const failure = await failureOf(createSesMailer({ url: ses.url('not-the-secret') }).sendRaw(envelope, message('reader@example.org')));
    expect(failure).toMatchObject({ kind: 'sender', responseCode: 403 });
    expect(failure.message).toContain('InvalidSignatureException');
    expect(ses.received).toHaveLength(0);
  });

  it('signs with DKIM before upload so that mailauth verifies the message SES gets', async () => {
    const key = dkimKey();
    const ses = await fakeSes();
    const dkim = { domainName: 'example.com', keySelector: 'test', privateKey: key.env.DKIM_PRIVATE_KEY };
    await createSesMailer({ url: ses.url(), dkim }).sendRaw(envelope, message('reader@example.org'));
    const raw = ses.received[0]!.raw;
    expect(raw.startsWith('DKIM-Signature: ')).toBe(true);
    expect((await key.verify(raw)).map((r) => r.status.result)).toEqual(['pass']);
    expect((await key.verify(raw.replace('Hello', 'Hullo'))).map((r) => r.status.result)).not.toContain('pass');
  });

  it.each([
    [429, 'TooManyRequestsException', 'transient'],
    [400, 'LimitExceededException', 'transient'],
    [500, 'InternalFailure', 'transient'],
    [503, undefined, 'transient'],
    [400, 'MessageRejected', 'message'],
    [400, 'BadRequestException', 'message'],
    [400, 'SendingPausedException', 'sender'],
    [400, 'AccountSuspendedException', 'sender'],
    [400, 'MailFromDomainNotVerifiedException', 'sender'],
    [403, 'AccessDeniedException', 'sender'],
  ] as const)('an answer %i %s is %s', async (status, type, kind) => {
    const ses = await fakeSes(() => ({ status, type, message: 'Email address is not verified.' }));
    const failure = await failureOf(createSesMailer({ url: ses.url() }).sendRaw(envelope, message('reader@example.org')));
    expect(failure).toMatchObject({ kind, responseCode: status });
    if (type) expect(failure.message).toContain(type);
  });

  it('no server listening is transient: nothing was sent', async () => {
    const ses = await fakeSes();
    const url = ses.url();
    await ses.close();
    expect((await failureOf(createSesMailer({ url }).sendRaw(envelope, message('reader@example.org')))).kind).toBe('transient');
  });

  it('a connection lost after the request was read, before the answer, is unknown: SES may send it', async () => {
    const ses = await fakeSes(() => 'destroy');
    expect((await failureOf(createSesMailer({ url: ses.url() }).sendRaw(envelope, message('reader@example.org')))).kind).toBe('unknown');
    expect(ses.received).toHaveLength(1);
  });
});

describe('SES_URL configuration', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const load = (env: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'broadsheet-ses-config-'));
    dirs.push(dir);
    return loadConfig({ DATA_DIR: dir, ...env });
  };
  const errorOf = (env: Record<string, string>) => {
    try {
      load(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    return expect.unreachable(`accepted ${JSON.stringify(env)}`);
  };

  it('takes the region from an AWS host, or ?region= for another endpoint', async () => {
    expect(load({ SES_URL: 'https://AKID:se%2Fcret@email.eu-west-1.amazonaws.com' }).sesUrl).toBe('https://AKID:se%2Fcret@email.eu-west-1.amazonaws.com');
    expect(load({ SES_URL: 'http://AKID:secret@127.0.0.1:4566?region=us-east-1' }).sesUrl).toBe('http://AKID:secret@127.0.0.1:4566?region=us-east-1');
    expect(load({}).sesUrl).toBeUndefined();
  });

  it.each([
    ['ftp://AKID:secret@email.eu-west-1.amazonaws.com', 'SES_URL'],
    ['https://email.eu-west-1.amazonaws.com', 'ACCESS_KEY_ID:SECRET_ACCESS_KEY'],
    ['https://AKID@email.eu-west-1.amazonaws.com', 'ACCESS_KEY_ID:SECRET_ACCESS_KEY'],
    ['https://AKID:secret@ses.example.com', 'region'],
  ])('refuses %s with one line', (value, mention) => {
    const message = errorOf({ SES_URL: value });
    expect(message).toMatch(/^Invalid configuration: SES_URL: /);
    expect(message).toContain(mention);
    expect(message).not.toContain('\n');
  });

  it('refuses SMTP_URL and SES_URL together', () => {
    const message = errorOf({ SMTP_URL: 'smtp://127.0.0.1:2525', SES_URL: 'https://AKID:secret@email.eu-west-1.amazonaws.com' });
    expect(message).toMatch(/^Invalid configuration: SES_URL: SMTP_URL is set too/);
    expect(message).not.toContain('\n');
  });
});
