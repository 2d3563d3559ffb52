import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notSuppressed } from '../src/suppressions/exclude-suppressed.js';
import { ADMIN_ENV, adminApi } from './helpers/posts-fixtures.js';
import { addSubscriber } from './helpers/subscriber-fixtures.js';
import { createTestContext, json, linkIn, type TestContext } from './helpers/test-app.js';

let t: TestContext;
beforeEach(async () => {
  t = await createTestContext({ env: ADMIN_ENV });
});
afterEach(async () => t.close());

const api = (method: string, path: string, body?: unknown) => adminApi(t.app, method, path, body);

describe('/api/admin/suppressions', () => {
  it('adds addresses and domains, idempotently and case-insensitively', async () => {
    const first = await api('POST', '/api/admin/suppressions', { value: ' Someone@Example.COM ' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ kind: 'address', value: 'someone@example.com', reason: 'manual', hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const again = await api('POST', '/api/admin/suppressions', { value: 'someone@example.com', reason: 'complaint' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);

    expect((await api('POST', '/api/admin/suppressions', { value: '@Spam.Example' })).body).toMatchObject({ kind: 'domain', value: 'spam.example' });
    expect((await api('POST', '/api/admin/suppressions', { value: 'bücher.example' })).body).toMatchObject({ kind: 'domain', value: 'xn--bcher-kva.example' });
    for (const value of ['', 'not a domain', 'a@', 'http://x.example', 'localhost']) {
      expect((await api('POST', '/api/admin/suppressions', { value })).status).toBe(400);
    }
    expect((await api('POST', '/api/admin/suppressions', { value: 'x.example', reason: 'because' })).status).toBe(400);
  });

  it('lists newest first with filters and a cursor, and deletes', async () => {
    for (const value of ['a@example.com', 'b@example.com', 'one.example', 'c@example.com', 'two.example']) await api('POST', '/api/admin/suppressions', { value });
    const page1 = await api('GET', '/api/admin/suppressions?limit=2');
    expect(page1.body.suppressions.map((s: { value: string }) => s.value)).toEqual(['two.example', 'c@example.com']);
    const page2 = await api('GET', `/api/admin/suppressions?limit=2&cursor=${page1.body.next_cursor}`);
    const page3 = await api('GET', `/api/admin/suppressions?limit=2&cursor=${page2.body.next_cursor}`);
    expect(page2.body.suppressions.map((s: { value: string }) => s.value)).toEqual(['one.example', 'b@example.com']);
    expect(page3.body).toMatchObject({ suppressions: [{ value: 'a@example.com' }], next_cursor: null });
    expect((await api('GET', '/api/admin/suppressions?kind=domain')).body.suppressions).toHaveLength(2);
    const found = await api('GET', '/api/admin/suppressions?value=B@EXAMPLE.com');
    expect(found.body.suppressions).toMatchObject([{ value: 'b@example.com' }]);

    const removed = await api('DELETE', `/api/admin/suppressions/${found.body.suppressions[0].id}`);
    expect(removed.status).toBe(200);
    expect((await api('DELETE', `/api/admin/suppressions/${found.body.suppressions[0].id}`)).status).toBe(404);
    expect((await api('GET', '/api/admin/suppressions')).body.suppressions).toHaveLength(4);
  });

  it('needs the admin key', async () => {
    expect((await t.app.request('/api/admin/suppressions')).status).toBe(401);
  });
});

describe('suppression in the subscribe path', () => {
  it('answers a suppressed address like any other, but stores nothing and mails nothing', async () => {
    await api('POST', '/api/admin/suppressions', { value: 'gone@example.com' });
    await api('POST', '/api/admin/suppressions', { value: 'blocked.example' });
    const normal = await t.app.request('/api/subscribe', json({ email: 'fresh@example.com' }));
    const address = await t.app.request('/api/subscribe', json({ email: 'Gone@Example.com' }));
    const domain = await t.app.request('/api/subscribe', json({ email: 'anyone@blocked.example' }));
    expect([normal.status, address.status, domain.status]).toEqual([202, 202, 202]);
    expect(new Set(await Promise.all([normal, address, domain].map((r) => r.text()))).size).toBe(1);
    await t.drain();
    await t.smtp.waitFor(1);
    expect(t.smtp.messages.map((m) => m.envelope.to[0])).toEqual(['fresh@example.com']);
    expect((await t.deps.db.selectFrom('subscribers').select('email').execute()).map((r) => r.email)).toEqual(['fresh@example.com']);
  });
});

describe('notSuppressed (for the send audience)', () => {
  it('drops subscribers whose address or domain is suppressed, and only those', async () => {
    for (const email of ['ann@example.com', 'bob@example.com', 'x@blocked.example', 'y@notblocked.example', 'z@sub.blocked.example']) await addSubscriber(t.app, email);
    await api('POST', '/api/admin/suppressions', { value: 'bob@example.com' });
    await api('POST', '/api/admin/suppressions', { value: 'blocked.example' });
    const audience = await t.deps.db.selectFrom('subscribers').select('email').where('status', '=', 'active').where(notSuppressed).orderBy('email').execute();
    expect(audience.map((r) => r.email)).toEqual(['ann@example.com', 'y@notblocked.example', 'z@sub.blocked.example']);
  });
});

describe('suppression reaches queued mail and the preferences page', () => {
  it('skips a queued confirmation and refuses a resubscribe once the address is suppressed', async () => {
    expect((await t.app.request('/api/subscribe', json({ email: 'later@example.com' }))).status).toBe(202);
    await t.drain();
    const [confirm] = await t.smtp.waitFor(1);
    const prefs = linkIn(confirm!.parsed.text!, '/preferences/').replace('https://news.example.com', '');
    // A second confirmation is queued (the first one moved out of the one-confirmation window),
    // then the address is suppressed before the worker runs.
    await t.deps.db.updateTable('mail_queue').set({ created_at: '2000-01-01T00:00:00.000Z' }).execute();
    expect((await t.app.request('/api/subscribe', json({ email: 'later@example.com' }))).status).toBe(202);
    expect((await adminApi(t.app, 'POST', '/api/admin/suppressions', { value: 'later@example.com' })).status).toBe(201);
    await t.drain();
    expect(t.smtp.messages).toHaveLength(1);
    const skipped = await t.deps.db.selectFrom('mail_queue').select('last_error').where('status', '=', 'skipped').executeTakeFirstOrThrow();
    expect(skipped.last_error).toContain('suppressed');
    const res = await t.app.request(prefs, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'action=resubscribe' });
    expect(res.status).toBe(400);
    await t.drain();
    expect(t.smtp.messages).toHaveLength(1);
  });
});
