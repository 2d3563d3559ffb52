import { SELF } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetD1, testEnv } from './d1-reset.js';
import { sink } from './sink.js';

const BASE = 'https://news.example.com';
const ADMIN = { authorization: `Bearer ${testEnv.ADMIN_API_KEY as string}`, 'content-type': 'application/json' };

beforeEach(async () => {
  await resetD1();
  await sink.clear();
});

/** Active readers put straight into D1, in statements that keep within its 100 parameters. */
async function seedReaders(count: number, prefix: string): Promise<void> {
  const now = new Date().toISOString();
  const statements = [];
  for (let i = 0; i < count; i += 16) {
    const rows = Array.from({ length: Math.min(16, count - i) }, (_, k) => `${prefix}${i + k}@example.org`);
    statements.push(
      testEnv.DB.prepare(
        `INSERT INTO subscribers (email, email_normalized, status, source, consent_at, consent_basis, created_at, updated_at, confirmed_at) VALUES ${rows.map(() => "(?, ?, 'active', 'test', ?, 'editor', ?, ?, ?)").join(', ')}`,
      ).bind(...rows.flatMap((email) => [email, email, now, now, now, now])),
    );
  }
  await testEnv.DB.batch(statements);
}

async function sendStatus(id: number) {
  return (await (await SELF.fetch(`${BASE}/api/admin/sends/${id}`, { headers: ADMIN })).json()) as { status: string; total: number; sent: number; failed: number; skipped: number };
}

describe('a publication on Workers', () => {
  it('subscribes, confirms, welcomes, mails a post to 300 readers through the queue once each, and unsubscribes in one click', async () => {
    const subscribed = await SELF.fetch(`${BASE}/api/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': '203.0.113.9' },
      body: JSON.stringify({ email: 'new.reader@example.org', name: 'New Reader' }),
    });
    expect(subscribed.status).toBe(202);

    // The queue's consumer sends the confirmation: nothing here runs the worker by hand.
    const [confirmation] = await sink.waitFor((m) => m.some((x) => x.envelope.to.includes('new.reader@example.org')));
    expect(confirmation!.subject).toMatch(/confirm/i);
    const link = /https:\/\/news\.example\.com\/confirm\/[A-Za-z0-9._~-]+/.exec(confirmation!.text)?.[0];
    expect(link).toBeDefined();
    const confirmed = await SELF.fetch(link!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(confirmed.status).toBeLessThan(400);
    const welcome = await sink.waitFor((m) => m.filter((x) => x.envelope.to.includes('new.reader@example.org')).length === 2);
    expect(welcome.at(-1)!.subject).not.toBe(confirmation!.subject);

    await seedReaders(299, 'reader');
    await sink.clear();
    const created = await SELF.fetch(`${BASE}/api/admin/posts`, { method: 'POST', headers: ADMIN, body: JSON.stringify({ title: 'Spring issue', body: '# Hello\n\nA [link](https://example.com).' }) });
    expect(created.status).toBe(201);
    const post = (await created.json()) as { id: number };
    const published = await SELF.fetch(`${BASE}/api/admin/posts/${post.id}/publish`, { method: 'POST', headers: ADMIN, body: '{}' });
    expect(published.status).toBe(202);
    const { send } = (await published.json()) as { send: { id: number; total: number } };
    expect(send.total).toBe(300);

    const mailed = await sink.waitFor((m) => m.length >= 300, 60_000);
    let status = await sendStatus(send.id);
    for (let i = 0; status.status !== 'done' && i < 100; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = await sendStatus(send.id);
    }
    expect(status).toMatchObject({ status: 'done', total: 300, sent: 300, failed: 0 });
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
