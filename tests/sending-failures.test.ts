import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { BREAKER_THRESHOLD } from '../src/sending/circuit-breaker.js';
import { adminApi, ADMIN_ENV } from './helpers/posts-fixtures.js';
import { publishWithSend, seedActiveReaders } from './helpers/sending-fixtures.js';
import type { SinkOptions } from './helpers/smtp-sink.js';
import { createTestContext, json, manualClock, type TestContext } from './helpers/test-app.js';

const contexts: TestContext[] = [];
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

async function setup(smtp: SinkOptions = {}, env: Record<string, string> = {}): Promise<TestContext> {
  const t = await createTestContext({ env: { ...ADMIN_ENV, SEND_MAX_ATTEMPTS: '5', ...env }, smtp });
  contexts.push(t);
  return t;
}

const sendOf = async (t: TestContext, id: number) => (await adminApi(t.app, 'GET', `/api/admin/sends/${id}`)).body;
const deliveries = (t: TestContext) => t.deps.db.selectFrom('deliveries').selectAll().orderBy('id').execute();
const statuses = async (t: TestContext) => (await t.deps.db.selectFrom('subscribers').select(['email', 'status']).orderBy('id').execute()).map((s) => s.status);

/** Drains the worker (retries wait SEND_RETRY_DELAY_MS, 10 ms in tests) until the send leaves `sending`. */
async function settle(t: TestContext, sendId: number) {
  for (let i = 0; i < 60 && ['queued', 'sending'].includes((await sendOf(t, sendId)).status); i++) {
    await t.drain();
    await new Promise((r) => setTimeout(r, 20));
  }
  return sendOf(t, sendId);
}

describe('refusals are classified by their enhanced status code', () => {
  it('a relay answering 554 5.7.1 to every RCPT bounces nobody and pauses the send with the reason', async () => {
    let relaying = false;
    let refused = 0;
    const t = await setup({ onRecipient: () => (relaying ? undefined : (refused++, { code: 554, message: '5.7.1 Relay access denied' })) });
    await seedActiveReaders(t.deps, 60);
    const { body } = await publishWithSend(t.app, { title: 'Refused', body: 'x' });

    const summary = await settle(t, body.send.id);
    expect(summary.status).toBe('paused');
    expect(summary.reason).toContain('5.7.1');
    expect(summary.reason).toContain('Relay access denied');
    expect(summary).toMatchObject({ sent: 0, failed: 0, unknown: 0, pending: 60 });
    expect(t.smtp.messages).toHaveLength(0);
    expect((await statuses(t)).every((s) => s === 'active')).toBe(true);
    const rows = await deliveries(t);
    expect(rows.every((d) => d.status === 'pending')).toBe(true);
    // It stopped soon after the run began instead of trying every reader; only tries count.
    expect(refused).toBeGreaterThanOrEqual(BREAKER_THRESHOLD);
    expect(refused).toBeLessThan(60);
    expect(rows.reduce((n, d) => n + d.attempts, 0)).toBe(refused);

    // Once the relay is fixed, the editor resumes and everyone gets it; the reason is cleared.
    relaying = true;
    const resumed = await adminApi(t.app, 'POST', `/api/admin/sends/${body.send.id}/resume`);
    expect(resumed.body).toMatchObject({ status: 'sending', reason: null });
    expect(await settle(t, body.send.id)).toMatchObject({ status: 'done', sent: 60, failed: 0 });
  });

  it('bounces only address failures, with a fallback for replies without an enhanced code', async () => {
    const refusals: Record<string, { code: number; message: string }> = {
      'reader0@example.com': { code: 550, message: '5.1.1 No such user' },
      'reader1@example.com': { code: 550, message: '5.2.1 Mailbox disabled' },
      'reader2@example.com': { code: 550, message: 'No such user here' },
      'reader3@example.com': { code: 553, message: 'Mailbox name not allowed' },
      'reader4@example.com': { code: 554, message: 'Transaction failed' },
      'reader5@example.com': { code: 550, message: '5.7.1 Client host blocked' },
      'reader6@example.com': { code: 550, message: '5.4.4 Unable to route' },
      'reader7@example.com': { code: 552, message: '5.3.4 Message too big for system' },
    };
    const t = await setup({ onRecipient: (a) => refusals[a] }, { SEND_MAX_ATTEMPTS: '2' });
    await seedActiveReaders(t.deps, 9);
    const { body } = await publishWithSend(t.app, { title: 'Mixed', body: 'x' });
    expect(await settle(t, body.send.id)).toMatchObject({ status: 'done', sent: 1, failed: 8 });
    expect(await statuses(t)).toEqual(['bounced', 'bounced', 'bounced', 'bounced', 'active', 'active', 'active', 'active', 'active']);
    const rows = await deliveries(t);
    // Refusals that are the sender's problem are retried, not given up at once.
    expect(rows.slice(4, 8).map((d) => d.attempts)).toEqual([2, 2, 2, 2]);
  });

  it('a confirmation refused with 554 5.7.1 does not bounce the new reader', async () => {
    let relaying = false;
    // A clock that stands still between drains: the retry is due only when the test says so.
    const clock = manualClock();
    const t = await createTestContext({ env: ADMIN_ENV, clock, smtp: { onRecipient: () => (relaying ? undefined : { code: 554, message: '5.7.1 Relay access denied' }) } });
    contexts.push(t);
    expect((await t.app.request('/api/subscribe', json({ email: 'new@example.com' }))).status).toBe(202);
    await t.drain();
    const [reader] = await t.deps.db.selectFrom('subscribers').select('status').execute();
    expect(reader!.status).toBe('pending');
    const [job] = await t.deps.db.selectFrom('mail_queue').selectAll().execute();
    expect(job).toMatchObject({ status: 'pending', attempts: 1 });
    expect(job!.last_error).toContain('Relay access denied');

    relaying = true;
    clock.advance(60_000);
    await t.drain();
    expect(t.smtp.messages.map((m) => m.envelope.to[0])).toEqual(['new@example.com']);
  });
});

describe('Message-ID', () => {
  it('differs between two installs mailing send 1 delivery 1, and is recorded on the delivery', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const t = await setup();
      await seedActiveReaders(t.deps, 1);
      const { body } = await publishWithSend(t.app, { title: 'First', body: 'x' });
      expect(body.send.id).toBe(1);
      await t.drain();
      const [mail] = await t.smtp.waitFor(1);
      const [delivery] = await deliveries(t);
      expect(delivery!.id).toBe(1);
      expect(delivery!.message_id).toBe(mail!.parsed.messageId);
      ids.push(mail!.parsed.messageId!);
    }
    expect(ids[0]).toMatch(/^<1\.1\.[0-9a-f]+@example\.com>$/);
    expect(ids[1]).not.toBe(ids[0]);
  });

  it('is the same on every attempt of one delivery, and unique per install for confirmations too', async () => {
    // The first copy is read in full and refused with a 4xx; the retry is accepted.
    const t = await setup({ onMessage: (i) => (i === 0 ? { code: 451, message: '4.3.0 Try again later' } : undefined) });
    await seedActiveReaders(t.deps, 1);
    const { body } = await publishWithSend(t.app, { title: 'Again', body: 'x' });
    expect(await settle(t, body.send.id)).toMatchObject({ status: 'done', sent: 1 });
    const [first] = t.smtp.refused;
    const [second] = t.smtp.messages;
    expect(first!.parsed.messageId).toBeDefined();
    expect(second!.parsed.messageId).toBe(first!.parsed.messageId);
    expect((await deliveries(t))[0]).toMatchObject({ attempts: 2, message_id: first!.parsed.messageId });

    const other = await setup();
    const confirmations: string[] = [];
    for (const c of [t, other]) {
      await c.app.request('/api/subscribe', json({ email: 'new@example.com' }));
      await c.drain();
      const mail = (await c.smtp.waitFor(c === t ? 2 : 1)).at(-1)!;
      const [job] = await c.deps.db.selectFrom('mail_queue').select('message_id').execute();
      expect(job!.message_id).toBe(mail.parsed.messageId);
      confirmations.push(mail.parsed.messageId!);
    }
    expect(confirmations[0]).not.toBe(confirmations[1]);
  });
});

// DKIM signing reads the whole message before the transport sends a byte: the check must look at
// the stream the connection reads, not at the one we hand in.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const DKIM_ENV = { DKIM_DOMAIN: 'example.com', DKIM_SELECTOR: 'news', DKIM_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };

describe.each([
  ['', {}],
  [' (DKIM signed)', DKIM_ENV],
])('a connection lost after the final dot%s', (_, dkimEnv: Record<string, string>) => {
  it('marks the delivery unknown, counts it apart and never sends it again', async () => {
    const t = await setup({ onMessage: (i) => (i === 2 ? 'drop-after-data' : undefined) }, dkimEnv);
    await seedActiveReaders(t.deps, 5);
    const { body } = await publishWithSend(t.app, { title: 'Lost answer', body: 'x' });
    const summary = await settle(t, body.send.id);
    expect(summary).toMatchObject({ status: 'done', total: 5, sent: 4, unknown: 1, failed: 0, pending: 0 });
    // The server got all five, each once: the one whose answer was lost was not resent.
    const received = t.smtp.messages.map((m) => m.envelope.to[0]).sort();
    expect(received).toEqual(['reader0@example.com', 'reader1@example.com', 'reader2@example.com', 'reader3@example.com', 'reader4@example.com']);
    const unknown = (await deliveries(t)).filter((d) => d.status === 'unknown');
    expect(unknown).toHaveLength(1);
    expect(unknown[0]!.attempts).toBe(1);
    expect(unknown[0]!.message_id).toBe(t.smtp.messages.find((m) => m.index === 2)!.parsed.messageId);
    expect((await statuses(t)).every((s) => s === 'active')).toBe(true);
  });

  it('a connection cut before the message was sent is still retried', async () => {
    const t = await setup({ onMessage: (i) => (i === 0 ? 'drop' : undefined) }, { SEND_CONCURRENCY: '1', ...dkimEnv });
    await seedActiveReaders(t.deps, 1);
    const { body } = await publishWithSend(t.app, { title: 'Cut early', body: 'x' });
    expect(await settle(t, body.send.id)).toMatchObject({ status: 'done', sent: 1, unknown: 0 });
    expect(t.smtp.messages).toHaveLength(1);
    expect((await deliveries(t))[0]!.attempts).toBe(2);
  });
});

describe('transactional mail after the final dot', () => {
  it('a confirmation whose answer was lost is not sent again', async () => {
    const t = await setup({ onMessage: (i) => (i === 0 ? 'drop-after-data' : undefined) });
    await t.app.request('/api/subscribe', json({ email: 'new@example.com' }));
    await t.drain();
    await new Promise((r) => setTimeout(r, 50));
    await t.drain();
    expect(t.smtp.messages).toHaveLength(1);
    const [job] = await t.deps.db.selectFrom('mail_queue').selectAll().execute();
    expect(job!.status).toBe('failed');
    expect(job!.last_error).toMatch(/unknown/i);
  });
});

describe('a send whose messages cannot be built', () => {
  it('stops as failed with the reason instead of spinning in sending', async () => {
    const t = await setup();
    await seedActiveReaders(t.deps, 3);
    // Stored before names were checked (or written by hand): a line break cannot become List-Id.
    await t.deps.db.insertInto('settings').values({ key: 'name', value: JSON.stringify('Ally\r\nBcc: x@evil.test'), updated_at: new Date().toISOString() }).execute();
    const { body } = await publishWithSend(t.app, { title: 'Unbuildable', body: 'x' });
    await t.drain();
    const summary = await sendOf(t, body.send.id);
    expect(summary).toMatchObject({ status: 'failed', sent: 0, pending: 3 });
    expect(summary.reason).toMatch(/line break/);
    expect(summary.finished_at).not.toBeNull();
    expect(t.smtp.messages).toHaveLength(0);
    // Final: the worker leaves it alone and no control moves it.
    await t.drain();
    expect((await adminApi(t.app, 'POST', `/api/admin/sends/${body.send.id}/resume`)).status).toBe(409);
    expect((await adminApi(t.app, 'GET', '/api/admin/sends?status=failed')).body.sends).toHaveLength(1);
  });
});
