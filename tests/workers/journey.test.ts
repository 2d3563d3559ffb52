import { SELF } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetD1, testEnv } from './d1-reset.js';
import { ADMIN, BASE, createPost, seedReaders, waitForSend } from './fixtures.js';
import { sink, type SinkMessage } from './sink.js';

beforeEach(async () => {
  await resetD1();
  await sink.clear();
});

describe('a publication on Workers', () => {
  it('subscribes, confirms, welcomes, mails a post to 300 readers through the queue once each, and unsubscribes in one click', async () => {
    const subscribed = await SELF.fetch(`${BASE}/api/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': '203.0.113.9' },
      body: JSON.stringify({ email: 'new.reader@example.org', name: 'New Reader' }),
    });
    expect(subscribed.status).toBe(202);

    // The queue's consumer sends the confirmation: nothing here runs the worker by hand.
    const toReader = (messages: SinkMessage[]) => messages.filter((x) => x.envelope.to.includes('new.reader@example.org'));
    const [confirmation] = toReader(await sink.waitFor((m) => toReader(m).length > 0));
    expect(confirmation!.subject).toMatch(/confirm/i);
    const link = /https:\/\/news\.example\.com\/confirm\/[A-Za-z0-9._~-]+/.exec(confirmation!.text)?.[0];
    expect(link).toBeDefined();
    const confirmed = await SELF.fetch(link!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(confirmed.status).toBeLessThan(400);
    const welcome = toReader(await sink.waitFor((m) => toReader(m).length === 2));
    expect(welcome.at(-1)!.subject).not.toBe(confirmation!.subject);

    await seedReaders(299, 'reader');
    await sink.clear();
    const postId = await createPost('Spring issue');
    const published = await SELF.fetch(`${BASE}/api/admin/posts/${postId}/publish`, { method: 'POST', headers: ADMIN, body: '{}' });
    expect(published.status).toBe(202);
    const { send } = (await published.json()) as { send: { id: number; total: number } };
    expect(send.total).toBe(300);

    const mailed = await sink.waitFor((m) => m.length >= 300, 60_000);
    expect(await waitForSend(send.id)).toMatchObject({ status: 'done', total: 300, sent: 300, failed: 0 });
    const recipients = mailed.flatMap((m) => m.envelope.to);
    expect(new Set(recipients).size).toBe(300);
    expect(recipients).toHaveLength(300);

    // RFC 8058: a POST to the List-Unsubscribe URL with List-Unsubscribe=One-Click, as mail clients send it.
    const mine = mailed.find((m) => m.envelope.to.includes('reader7@example.org'))!;
    expect(mine.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    const oneClick = /<(https:[^>]+)>/.exec(mine.headers['list-unsubscribe']!)![1]!;
    const unsubscribed = await SELF.fetch(oneClick, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(unsubscribed.status).toBe(200);
    const row = await testEnv.DB.prepare("SELECT status FROM subscribers WHERE email = 'reader7@example.org'").first();
    expect(row).toEqual({ status: 'unsubscribed' });
  });
});
