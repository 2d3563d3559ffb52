import { execFileSync } from 'node:child_process';
import { sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_ENV, adminApi } from './helpers/posts-fixtures.js';
import { addSubscriber } from './helpers/subscriber-fixtures.js';
import { createTestContext, type TestContext } from './helpers/test-app.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:broadsheet-bounces';
const CERT_URL = 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem';

// A locally made key and self-signed certificate stand in for AWS's signing certificate.
let keys: { dir: string; key: string; cert: string; otherKey: string };
beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'broadsheet-sns-'));
  const make = (name: string) => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.pem`), '-days', '2', '-subj', '/CN=sns.amazonaws.com'], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert: readFileSync(join(dir, `${name}.pem`), 'utf8') };
  };
  const aws = make('aws');
  keys = { dir, key: aws.key, cert: aws.cert, otherKey: make('attacker').key };
});
afterAll(() => rmSync(keys.dir, { recursive: true, force: true }));

let t: TestContext;
let fetched: string[];
beforeEach(async () => {
  t = await createTestContext({ env: { ...ADMIN_ENV, SES_SNS_TOPIC_ARNS: `arn:aws:sns:us-east-1:123456789012:other, ${TOPIC}` } });
  fetched = [];
  // The network boundary: certificates and subscription confirmations are served from here.
  t.deps.fetch = async (input) => {
    const url = String(input);
    fetched.push(url);
    if (url === CERT_URL) return new Response(keys.cert);
    if (url.startsWith('https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription')) return new Response('<ConfirmSubscriptionResponse/>');
    return new Response('not found', { status: 404 });
  };
});
afterEach(async () => t.close());

type Envelope = Record<string, string>;

/** An SNS HTTP delivery signed the way AWS documents it, independent of the code under test. */
function snsEnvelope(fields: Envelope, options: { version?: '1' | '2'; key?: string; certUrl?: string } = {}): Envelope {
  const message: Envelope = {
    Type: 'Notification',
    MessageId: crypto.randomUUID(),
    TopicArn: TOPIC,
    Timestamp: new Date().toISOString(),
    SignatureVersion: options.version ?? '1',
    SigningCertURL: options.certUrl ?? CERT_URL,
    ...fields,
  };
  const signed = message.Type === 'Notification' ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  const text = signed.filter((k) => message[k] !== undefined).map((k) => `${k}\n${message[k]}\n`).join('');
  message.Signature = sign(message.SignatureVersion === '1' ? 'sha1' : 'sha256', Buffer.from(text), options.key ?? keys.key).toString('base64');
  return message;
}

const notification = (fixture: string, options?: Parameters<typeof snsEnvelope>[1]) =>
  snsEnvelope({ Message: readFileSync(new URL(`./fixtures/${fixture}`, import.meta.url), 'utf8') }, options);

async function deliver(envelope: Envelope | string) {
  const res = await t.app.request('/api/webhooks/bounces/ses', {
    method: 'POST',
    // SNS posts JSON as text/plain.
    headers: { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': typeof envelope === 'string' ? 'Notification' : envelope.Type! },
    body: typeof envelope === 'string' ? envelope : JSON.stringify(envelope),
  });
  return { status: res.status, body: (await res.json()) as any };
}

const state = async () => ({
  subscribers: await t.deps.db.selectFrom('subscribers').select(['email', 'status', 'updated_at']).orderBy('id').execute(),
  suppressions: await t.deps.db.selectFrom('suppressions').selectAll().execute(),
  bounces: await t.deps.db.selectFrom('bounce_events').select(['kind', 'provider', 'detail']).execute(),
});

describe('POST /api/webhooks/bounces/ses', () => {
  it('applies a signed permanent bounce: bounced, suppressed, recorded; a replay changes nothing', async () => {
    const reader = await addSubscriber(t.app, 'reader@example.com');
    const envelope = notification('ses-bounce-permanent.json');
    const res = await deliver(envelope);
    expect(res).toEqual({ status: 200, body: { status: 'processed', matched: 1, suppressed: 1 } });
    const after = await state();
    expect(after.subscribers).toMatchObject([{ status: 'bounced' }]);
    expect(after.suppressions).toMatchObject([{ kind: 'address', value: 'reader@example.com', reason: 'bounce' }]);
    expect(after.bounces).toEqual([{ kind: 'hard', provider: 'ses', detail: 'Permanent/General smtp; 550 5.1.1 user unknown' }]);
    expect((await adminApi(t.app, 'GET', `/api/admin/subscribers/${reader.id}`)).body.bounces).toMatchObject({ hard: 1, soft: 0, complaint: 0 });

    expect(await deliver(envelope)).toEqual({ status: 200, body: { status: 'duplicate', matched: 0, suppressed: 0 } });
    expect(await state()).toEqual(after);
  });

  it('refuses forgeries and changes nothing', async () => {
    await addSubscriber(t.app, 'reader@example.com');
    const before = await state();
    const tampered = notification('ses-bounce-permanent.json');
    tampered.Message = tampered.Message!.replace('Reader@Example.com', 'someone-else@example.com');
    const cases: Array<[string, Envelope | string]> = [
      ['tampered message', tampered],
      ['signed by another key', notification('ses-bounce-permanent.json', { key: keys.otherKey })],
      ['certificate off AWS', notification('ses-bounce-permanent.json', { key: keys.otherKey, certUrl: 'https://sns.eu-west-1.amazonaws.com.evil.example/cert.pem' })],
      ['certificate over http', notification('ses-bounce-permanent.json', { certUrl: CERT_URL.replace('https:', 'http:') })],
      ['certificate not a .pem', notification('ses-bounce-permanent.json', { certUrl: 'https://sns.eu-west-1.amazonaws.com/cert.txt' })],
      ['another topic', snsEnvelope({ Message: '{}', TopicArn: 'arn:aws:sns:eu-west-1:999999999999:not-ours' })],
      ['signature removed', { ...notification('ses-bounce-permanent.json'), Signature: '' }],
    ];
    for (const [name, envelope] of cases) {
      const res = await deliver(envelope);
      expect([name, res.status]).toEqual([name, 401]);
    }
    expect((await deliver('not json')).status).toBe(400);
    expect((await deliver(snsEnvelope({ Message: '{}', Timestamp: new Date(Date.now() - 2 * 3_600_000).toISOString() }))).status).toBe(400);
    expect(await state()).toEqual(before);
    // Only AWS-hosted certificate URLs were ever fetched.
    expect(fetched.every((u) => u === CERT_URL)).toBe(true);
  });

  it('verifies SignatureVersion 2 (SHA256) and marks a complaint', async () => {
    await addSubscriber(t.app, 'reader@example.com');
    const res = await deliver(notification('ses-complaint.json', { version: '2' }));
    expect(res.body).toMatchObject({ status: 'processed', matched: 1, suppressed: 1 });
    expect(await state()).toMatchObject({ subscribers: [{ status: 'complained' }], suppressions: [{ reason: 'complaint' }], bounces: [{ kind: 'complaint', detail: 'abuse' }] });
  });

  it('counts a transient bounce without suppressing anyone', async () => {
    const reader = await addSubscriber(t.app, 'reader@example.com');
    expect((await deliver(notification('ses-bounce-transient.json'))).body).toMatchObject({ status: 'processed', matched: 1, suppressed: 0 });
    expect((await deliver(notification('ses-bounce-transient.json'))).body).toMatchObject({ status: 'processed' });
    expect(await state()).toMatchObject({ subscribers: [{ status: 'active' }], suppressions: [] });
    expect((await adminApi(t.app, 'GET', `/api/admin/subscribers/${reader.id}`)).body.bounces).toMatchObject({ hard: 0, soft: 2 });
  });

  it('suppresses a hard-bounced address that is not a subscriber', async () => {
    expect((await deliver(notification('ses-bounce-permanent.json'))).body).toMatchObject({ matched: 0, suppressed: 1 });
    expect((await adminApi(t.app, 'POST', '/api/admin/subscribers', { email: 'reader@example.com' })).status).toBe(422);
  });

  it('fetches the signing certificate once and reuses it', async () => {
    await deliver(notification('ses-bounce-transient.json'));
    await deliver(notification('ses-bounce-transient.json'));
    expect(fetched).toEqual([CERT_URL]);
  });

  it('confirms the SNS subscription through the fetcher, and only on an AWS URL', async () => {
    const subscribeUrl = `https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=abc`;
    const confirmation = snsEnvelope({ Type: 'SubscriptionConfirmation', Message: 'You have chosen to subscribe...', Token: 'abc', SubscribeURL: subscribeUrl });
    expect(await deliver(confirmation)).toEqual({ status: 200, body: { status: 'subscribed' } });
    expect(fetched).toEqual([CERT_URL, subscribeUrl]);

    const evil = snsEnvelope({ Type: 'SubscriptionConfirmation', Message: 'x', Token: 'abc', SubscribeURL: 'https://evil.example/?Action=ConfirmSubscription' });
    expect((await deliver(evil)).status).toBe(400);
    expect(fetched).toHaveLength(2);
  });

  it('is off until SES_SNS_TOPIC_ARNS is configured, and unknown providers are 404', async () => {
    await t.close();
    t = await createTestContext({ env: ADMIN_ENV });
    expect((await deliver(notification('ses-bounce-permanent.json'))).status).toBe(404);
    const res = await t.app.request('/api/webhooks/bounces/mailgun', { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
  });
});
