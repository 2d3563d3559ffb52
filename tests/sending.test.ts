import { afterEach, describe, expect, it } from 'vitest';
import { adminApi, ADMIN_ENV } from './helpers/posts-fixtures.js';
import { publishWithSend, seedActiveReaders } from './helpers/sending-fixtures.js';
import { createTestContext, manualClock, type TestContext } from './helpers/test-app.js';
import type { Clock } from '../src/clock.js';
import type { SinkOptions } from './helpers/smtp-sink.js';

let t: TestContext;
afterEach(async () => t?.close());

async function setup(smtp: SinkOptions = {}, env: Record<string, string> = {}, clock?: Clock) {
  t = await createTestContext({ env: { ...ADMIN_ENV, SEND_MAX_ATTEMPTS: '5', ...env }, smtp, ...(clock ? { clock } : {}) });
  await adminApi(t.app, 'PATCH', '/api/admin/settings', { postal_address: '1 Quay Street, Dublin', reply_to: 'editor@example.com' });
}

const deliveries = () => t.deps.db.selectFrom('deliveries').selectAll().orderBy('id').execute();
const sendOf = async (id: number) => (await adminApi(t.app, 'GET', `/api/admin/sends/${id}`)).body;

describe('publishing mails every active subscriber', () => {
  it('answers 202 with the send, snapshots the audience and mails each reader once, personalised', async () => {
    await setup();
    await seedActiveReaders(t.deps, 25);
    // Readers who must not get it: pending, unsubscribed.
    await t.deps.db.updateTable('subscribers').set({ status: 'pending' }).where('email', '=', 'reader3@example.com').execute();
    await t.deps.db.updateTable('subscribers').set({ status: 'unsubscribed' }).where('email', '=', 'reader4@example.com').execute();

    const { status, body } = await publishWithSend(t.app, { title: 'Spring issue', body: '# Hello\n\nThe *first* post, with {{braces}} kept.', excerpt: 'What is new' });
    expect(status).toBe(202);
    expect(body.send).toMatchObject({ status: 'queued', total: 23, sent: 0, pending: 23 });

    await t.drain();
    const mails = await t.smtp.waitFor(23);
    expect(mails).toHaveLength(23);
    const recipients = mails.map((m) => m.envelope.to[0]).sort();
    expect(new Set(recipients).size).toBe(23);
    expect(recipients).not.toContain('reader3@example.com');
    expect(recipients).not.toContain('reader4@example.com');

    const summary = await sendOf(body.send.id);
    expect(summary).toMatchObject({ status: 'done', total: 23, sent: 23, failed: 0, pending: 0 });
    expect(summary.finished_at).not.toBeNull();
    expect((await deliveries()).every((d) => d.status === 'sent' && d.message_id && d.sent_at)).toBe(true);

    const mail = mails.find((m) => m.envelope.to[0] === 'reader7@example.com')!;
    expect(mail.parsed.subject).toBe('Spring issue');
    expect(mail.parsed.from?.value[0]).toMatchObject({ address: 'newsletter@example.com', name: 'Allycaral' });
    expect(mail.header('Reply-To')).toBe('editor@example.com');
    expect(mail.header('Precedence')).toBe('bulk');
    expect(mail.header('List-Id')).toContain('<newsletter.example.com>');
    expect(mail.header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(mail.parsed.messageId).toMatch(new RegExp(`^<${body.send.id}\\.\\d+\\.[0-9a-f]{24}@example\\.com>$`));
    const unsubscribe = mail.header('List-Unsubscribe')!.match(/^<(https:\/\/news\.example\.com\/unsubscribe\/[^>]+)>$/)![1]!;
    // The post title is the mail's one h1; the body's headings sit under it.
    expect(mail.parsed.html).toContain('<h2>Hello</h2>');
    expect(mail.parsed.html).toContain('<em>first</em>');
    expect(mail.parsed.html).toContain('{{braces}}');
    expect(mail.parsed.html).toContain(`href="${unsubscribe}"`);
    expect(mail.parsed.html).toContain('https://news.example.com/posts/spring-issue');
    expect(mail.parsed.text).toContain('reader7@example.com');
    expect(mail.parsed.text).toContain('1 Quay Street, Dublin');
    expect(mail.parsed.text).toContain('{{braces}}');

    // Each reader's link is their own, and it works as an RFC 8058 one-click unsubscribe.
    const other = mails.find((m) => m.envelope.to[0] === 'reader8@example.com')!;
    expect(other.header('List-Unsubscribe')).not.toBe(mail.header('List-Unsubscribe'));
    const res = await t.app.request(unsubscribe.replace('https://news.example.com', ''), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(res.status).toBe(200);
    const row = await t.deps.db.selectFrom('subscribers').select('status').where('email', '=', 'reader7@example.com').executeTakeFirstOrThrow();
    expect(row.status).toBe('unsubscribed');
  });

  it('never mails twice when the post is published twice', async () => {
    await setup();
    await seedActiveReaders(t.deps, 5);
    const first = await publishWithSend(t.app, { title: 'Once', body: 'Only once.' });
    const again = await adminApi(t.app, 'POST', `/api/admin/posts/${first.post.id}/publish`, {});
    expect(again.status).toBe(202);
    expect(again.body.send.id).toBe(first.body.send.id);
    await t.drain();
    await t.smtp.waitFor(5);
    await adminApi(t.app, 'POST', `/api/admin/posts/${first.post.id}/publish`, {});
    await t.drain();
    expect(t.smtp.messages).toHaveLength(5);
    expect((await adminApi(t.app, 'GET', '/api/admin/sends')).body.sends).toHaveLength(1);
  });

  it('finishes at once with an empty audience', async () => {
    await setup();
    const { body } = await publishWithSend(t.app, { title: 'Nobody yet', body: 'Hi' });
    expect(body.send).toMatchObject({ status: 'done', total: 0 });
  });

  it('stops mailing a reader who unsubscribes during the send', async () => {
    await setup();
    await seedActiveReaders(t.deps, 4);
    await publishWithSend(t.app, { title: 'Mid-send', body: 'x' });
    await t.deps.db.updateTable('subscribers').set({ status: 'unsubscribed' }).where('email', '=', 'reader1@example.com').execute();
    await t.drain();
    await t.smtp.waitFor(3);
    expect(t.smtp.messages.map((m) => m.envelope.to[0])).not.toContain('reader1@example.com');
    const [send] = (await adminApi(t.app, 'GET', '/api/admin/sends')).body.sends;
    expect(send).toMatchObject({ status: 'done', sent: 3, skipped: 1, pending: 0 });
  });
});

describe('a flaky or refusing mail server', () => {
  it('retries 451 until delivered, fails 550 at once and bounces the reader, who later sends skip', async () => {
    const refusals = new Map<string, number>();
    await setup(
      {
        onRecipient(address) {
          if (address === 'reader1@example.com') return { code: 550, message: '5.1.1 No such user' };
          if (address === 'reader2@example.com' || address === 'reader3@example.com') {
            const n = (refusals.get(address) ?? 0) + 1;
            refusals.set(address, n);
            if (n <= 2) return { code: 451, message: '4.7.1 Try again later' };
          }
          return undefined;
        },
      },
    );
    await seedActiveReaders(t.deps, 6);
    const { body } = await publishWithSend(t.app, { title: 'Flaky', body: 'x' });
    // Retries wait SEND_RETRY_DELAY_MS (10 ms in tests) with backoff: drain until the send is done.
    for (let i = 0; i < 50 && (await sendOf(body.send.id)).status !== 'done'; i++) {
      await t.drain();
      await new Promise((r) => setTimeout(r, 30));
    }
    const summary = await sendOf(body.send.id);
    expect(summary).toMatchObject({ status: 'done', total: 6, sent: 5, failed: 1, pending: 0 });
    expect(refusals.get('reader2@example.com')).toBe(3);
    const received = t.smtp.messages.map((m) => m.envelope.to[0]).sort();
    expect(received).toEqual(['reader0@example.com', 'reader2@example.com', 'reader3@example.com', 'reader4@example.com', 'reader5@example.com']);

    const rows = await deliveries();
    const bounced = rows.find((d) => d.status === 'bounced')!;
    expect(bounced.attempts).toBe(1);
    expect(bounced.last_error).toContain('No such user');
    expect(rows.filter((d) => d.status === 'sent').map((d) => d.attempts).sort()).toEqual([1, 1, 1, 3, 3]);
    const reader1 = await t.deps.db.selectFrom('subscribers').select('status').where('email', '=', 'reader1@example.com').executeTakeFirstOrThrow();
    expect(reader1.status).toBe('bounced');

    const next = await publishWithSend(t.app, { title: 'Next', body: 'y' });
    expect(next.body.send.total).toBe(5);
  });

  it('gives up after SEND_MAX_ATTEMPTS temporary failures', async () => {
    await setup({ onRecipient: (a) => (a === 'reader0@example.com' ? { code: 421, message: 'Service not available' } : undefined) }, { SEND_MAX_ATTEMPTS: '2' });
    await seedActiveReaders(t.deps, 2);
    const { body } = await publishWithSend(t.app, { title: 'Never', body: 'x' });
    for (let i = 0; i < 50 && (await sendOf(body.send.id)).status !== 'done'; i++) {
      await t.drain();
      await new Promise((r) => setTimeout(r, 30));
    }
    expect(await sendOf(body.send.id)).toMatchObject({ status: 'done', sent: 1, failed: 1 });
    const failed = (await deliveries()).find((d) => d.status === 'failed')!;
    expect(failed.attempts).toBe(2);
    // A temporary failure is not a bounce: the reader stays subscribed.
    const reader0 = await t.deps.db.selectFrom('subscribers').select('status').where('email', '=', 'reader0@example.com').executeTakeFirstOrThrow();
    expect(reader0.status).toBe('active');
  });

  it('survives the connection being cut in the middle of a batch: nobody is skipped, nobody mailed twice', async () => {
    await setup({ onMessage: (i) => (i === 10 ? 'drop' : undefined) });
    await seedActiveReaders(t.deps, 40);
    const { body } = await publishWithSend(t.app, { title: 'Dropped', body: 'x' });
    for (let i = 0; i < 50 && (await sendOf(body.send.id)).status !== 'done'; i++) {
      await t.drain();
      await new Promise((r) => setTimeout(r, 30));
    }
    // Every connection is cut: those still before their body are retried; any that had handed
    // over their whole message count as unknown and are not sent again.
    const summary = await sendOf(body.send.id);
    expect(summary).toMatchObject({ status: 'done', failed: 0, pending: 0 });
    expect(summary.sent + summary.unknown).toBe(40);
    const received = t.smtp.messages.map((m) => m.envelope.to[0]);
    expect(new Set(received).size).toBe(received.length);
    const sentTo = await t.deps.db
      .selectFrom('deliveries')
      .innerJoin('subscribers', 'subscribers.id', 'deliveries.subscriber_id')
      .select('email')
      .where('deliveries.status', '=', 'sent')
      .execute();
    expect(received).toEqual(expect.arrayContaining(sentTo.map((r) => r.email)));
  });
});

describe('controlling a send', () => {
  it('pauses, resumes and cancels, refusing moves that make no sense', async () => {
    await setup();
    await seedActiveReaders(t.deps, 6);
    const { body } = await publishWithSend(t.app, { title: 'Controlled', body: 'x' });
    const id = body.send.id;
    expect((await adminApi(t.app, 'POST', `/api/admin/sends/${id}/pause`)).body.status).toBe('paused');
    await t.drain();
    expect(t.smtp.messages).toHaveLength(0);
    expect((await adminApi(t.app, 'POST', `/api/admin/sends/${id}/pause`)).status).toBe(409);
    expect((await adminApi(t.app, 'POST', `/api/admin/sends/${id}/resume`)).body.status).toBe('sending');
    await t.drain();
    await t.smtp.waitFor(6);
    expect(await sendOf(id)).toMatchObject({ status: 'done', sent: 6 });
    expect((await adminApi(t.app, 'POST', `/api/admin/sends/${id}/cancel`)).status).toBe(409);
    expect((await adminApi(t.app, 'POST', `/api/admin/sends/999/pause`)).status).toBe(404);
  });

  it('a cancelled send mails nobody more', async () => {
    await setup();
    await seedActiveReaders(t.deps, 3);
    const { body } = await publishWithSend(t.app, { title: 'Cancelled', body: 'x' });
    const cancelled = await adminApi(t.app, 'POST', `/api/admin/sends/${body.send.id}/cancel`);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', pending: 3 });
    await t.drain();
    expect(t.smtp.messages).toHaveLength(0);
  });

  it('lists sends and needs the API key', async () => {
    await setup();
    expect((await t.app.request('/api/admin/sends')).status).toBe(401);
    const list = await adminApi(t.app, 'GET', '/api/admin/sends?limit=5');
    expect(list.body).toEqual({ sends: [], next_cursor: null });
  });
});

describe('test sends', () => {
  it('mails one copy to the given address without creating a send', async () => {
    await setup();
    await seedActiveReaders(t.deps, 3);
    const created = await adminApi(t.app, 'POST', '/api/admin/posts', { title: 'Draft <b>one</b>', body: 'Draft body' });
    const res = await adminApi(t.app, 'POST', `/api/admin/posts/${created.body.id}/test`, { to: 'editor@example.com' });
    expect(res.status).toBe(200);
    const [mail] = await t.smtp.waitFor(1);
    expect(mail!.envelope.to).toEqual(['editor@example.com']);
    expect(mail!.parsed.subject).toBe('[Test] Draft <b>one</b>');
    expect(mail!.parsed.html).toContain('Draft &lt;b&gt;one&lt;/b&gt;');
    expect(mail!.parsed.html).toContain('Draft body');
    expect((await adminApi(t.app, 'GET', '/api/admin/sends')).body.sends).toHaveLength(0);
    expect((await adminApi(t.app, 'POST', `/api/admin/posts/${created.body.id}/test`, { to: 'x@y.z\r\nBcc: a@b.c' })).status).toBe(400);
    expect((await adminApi(t.app, 'POST', '/api/admin/posts/999/test', { to: 'editor@example.com' })).status).toBe(404);
    expect(t.smtp.messages).toHaveLength(1);
  });

  it('is built like a reader\'s copy: the same headers and the same body, but for the subject and personal values', async () => {
    await setup();
    await t.deps.db.insertInto('subscribers').values({ email: 'editor@example.com', email_normalized: 'editor@example.com', name: null, status: 'active', source: 'test', created_at: 'now', updated_at: 'now', confirmed_at: 'now' }).execute();
    const created = await adminApi(t.app, 'POST', '/api/admin/posts', { title: 'Same bytes', body: 'See [the archive](/posts).', excerpt: 'A preview' });
    // Published first, so that both copies carry the same byline date.
    expect((await adminApi(t.app, 'POST', `/api/admin/posts/${created.body.id}/publish`, {})).status).toBe(202);
    await t.drain();
    const [mailing] = await t.smtp.waitFor(1);
    expect((await adminApi(t.app, 'POST', `/api/admin/posts/${created.body.id}/test`, { to: 'editor@example.com' })).status).toBe(200);
    const [, test] = await t.smtp.waitFor(2);
    expect(test!.parsed.subject).toBe('[Test] Same bytes');
    const headerNames = (raw: string) => raw.slice(0, raw.indexOf('\r\n\r\n')).split('\r\n').filter((l) => /^\S/.test(l)).map((l) => l.slice(0, l.indexOf(':'))).sort();
    expect(headerNames(test!.raw)).toEqual(headerNames(mailing!.raw));
    expect(test!.header('List-Id')).toBe(mailing!.header('List-Id'));
    expect(test!.parsed.messageId).toMatch(/^<test-[0-9a-f-]{36}\.[0-9a-f]{24}@example\.com>$/);
    // Only the subject, the personal links and the reader's values differ.
    const neutral = (html: string) => html.replace(/\[Test\] /g, '').replace(/https:\/\/news\.example\.com\/(unsubscribe|preferences)\/[^"\s]+|https:\/\/news\.example\.com\/subscribe/g, 'LINK');
    expect(neutral(test!.parsed.html as string)).toBe(neutral(mailing!.parsed.html as string));
  });
});

describe('suppressions', () => {
  it('leaves suppressed addresses and domains out of the audience, and drops one suppressed mid-send', async () => {
    await setup();
    await seedActiveReaders(t.deps, 4);
    await seedActiveReaders(t.deps, 2, 'blocked.example');
    expect((await adminApi(t.app, 'POST', '/api/admin/suppressions', { value: 'reader0@example.com' })).status).toBe(201);
    expect((await adminApi(t.app, 'POST', '/api/admin/suppressions', { value: 'blocked.example' })).status).toBe(201);
    const { body } = await publishWithSend(t.app, { title: 'Suppressed', body: 'x' });
    expect(body.send.total).toBe(3);
    expect((await adminApi(t.app, 'POST', '/api/admin/suppressions', { value: 'reader1@example.com' })).status).toBe(201);
    await t.drain();
    await t.smtp.waitFor(2);
    expect(t.smtp.messages.map((m) => m.envelope.to[0]).sort()).toEqual(['reader2@example.com', 'reader3@example.com']);
    expect(await sendOf(body.send.id)).toMatchObject({ status: 'done', sent: 2, skipped: 1 });
  });
});

describe('DKIM', () => {
  it('signs mailings when DKIM_* are set, covering both List-Unsubscribe headers', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await setup({}, { DKIM_DOMAIN: 'example.com', DKIM_SELECTOR: 'news', DKIM_PRIVATE_KEY: pem });
    await seedActiveReaders(t.deps, 2);
    await publishWithSend(t.app, { title: 'Signed', body: 'x' });
    await t.drain();
    const mails = await t.smtp.waitFor(2);
    for (const mail of mails) {
      const signature = mail.header('DKIM-Signature');
      expect(signature).toBeDefined();
      expect(signature).toMatch(/d=example\.com/);
      expect(signature).toMatch(/s=news/);
      const signed = signature!.match(/(?:^|;)\s*h=([^;]+)/)![1]!.replace(/\s/g, '').toLowerCase().split(':');
      expect(signed).toEqual(expect.arrayContaining(['from', 'subject', 'list-unsubscribe', 'list-unsubscribe-post', 'message-id']));
    }
  });
});

describe('optional headers', () => {
  it('adds Feedback-ID and a mailto List-Unsubscribe when configured', async () => {
    await setup({}, { FEEDBACK_ID: 'allycaral', UNSUBSCRIBE_MAILTO: 'unsubscribe@example.com' });
    await seedActiveReaders(t.deps, 1);
    const { post, body } = await publishWithSend(t.app, { title: 'Headers', body: 'x' });
    await t.drain();
    const [mail] = await t.smtp.waitFor(1);
    expect(mail!.header('Feedback-ID')).toBe(`${body.send.id}:${post.id}:newsletter:allycaral`);
    expect(mail!.header('List-Unsubscribe')).toMatch(/^<https:\/\/news\.example\.com\/unsubscribe\/[^>]+>, <mailto:unsubscribe@example\.com\?subject=unsubscribe>$/);
  });
});

describe('failures that are not the reader\'s', () => {
  it('a refused sender (5xx to MAIL FROM) is retried and never marks readers bounced', async () => {
    let refuse = true;
    // Retries fall due only when the test moves the clock, however slow the machine.
    const clock = manualClock();
    await setup({ onSender: () => (refuse ? { code: 550, message: '5.7.1 Sender not allowed' } : undefined) }, {}, clock);
    await seedActiveReaders(t.deps, 3);
    const { body } = await publishWithSend(t.app, { title: 'Blocked sender', body: 'x' });
    await t.drain();
    const rows = await deliveries();
    expect(rows.every((d) => d.status === 'pending' && d.last_error?.includes('Sender not allowed'))).toBe(true);
    const statuses = await t.deps.db.selectFrom('subscribers').select('status').execute();
    expect(statuses.every((s) => s.status === 'active')).toBe(true);
    // Once the relay is fixed, the retries deliver.
    refuse = false;
    clock.advance(60_000);
    await t.drain();
    expect(await sendOf(body.send.id)).toMatchObject({ status: 'done', sent: 3, failed: 0 });
  });
});
