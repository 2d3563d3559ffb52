import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_ENV, adminApi } from './helpers/posts-fixtures.js';
import { addSubscriber } from './helpers/subscriber-fixtures.js';
import { createTestContext, linkIn, manualClock, type TestContext } from './helpers/test-app.js';

let t: TestContext;
const clock = manualClock();
beforeEach(async () => {
  clock.set(new Date('2026-11-24T09:00:00.000Z'));
  t = await createTestContext({ env: ADMIN_ENV, clock });
});
afterEach(async () => t.close());

const api = (method: string, path: string, body?: unknown) => adminApi(t.app, method, path, body);

describe('POST /api/admin/subscribers', () => {
  it('adds a pending reader and mails the double opt-in confirmation by default', async () => {
    const res = await api('POST', '/api/admin/subscribers', { email: ' Ann@Example.COM ', name: 'Ann', tags: ['VIP', 'press'] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      email: 'Ann@example.com',
      name: 'Ann',
      status: 'pending',
      tags: ['press', 'vip'],
      source: 'admin',
      consent: { basis: 'double_opt_in' },
      confirmed_at: null,
    });
    await t.drain();
    const [mail] = await t.smtp.waitFor(1);
    expect(mail!.envelope.to).toEqual(['Ann@example.com']);
    expect(linkIn(mail!.parsed.text!, '/confirm/')).toContain('/confirm/');
  });

  it('adds an active reader without mail when the editor vouches for consent, and records that', async () => {
    const res = await api('POST', '/api/admin/subscribers', { email: 'bob@example.com', status: 'active', attributes: { plan: 'gold' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'active', consent: { basis: 'editor', at: '2026-11-24T09:00:00.000Z' }, confirmed_at: '2026-11-24T09:00:00.000Z', attributes: { plan: 'gold' } });
    await t.drain();
    expect(t.smtp.messages).toHaveLength(0);
  });

  it('answers 409 for an address already on the list (case-insensitively) and 400 for a bad one', async () => {
    await addSubscriber(t.app, 'carol@example.com');
    const again = await api('POST', '/api/admin/subscribers', { email: 'CAROL@example.com' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
    const bad = await api('POST', '/api/admin/subscribers', { email: 'not an address' });
    expect(bad.status).toBe(400);
    const badTag = await api('POST', '/api/admin/subscribers', { email: 'd@example.com', tags: ['a,b'] });
    expect(badTag.status).toBe(400);
    expect((await api('GET', '/api/admin/subscribers')).body.subscribers).toHaveLength(1);
  });

  it('refuses an address on the suppression list (422)', async () => {
    await api('POST', '/api/admin/suppressions', { value: 'blocked.example' });
    const res = await api('POST', '/api/admin/subscribers', { email: 'x@blocked.example' });
    expect(res.status).toBe(422);
  });

  it('requires the admin key', async () => {
    const res = await t.app.request('/api/admin/subscribers');
    expect(res.status).toBe(401);
  });
});

describe('GET and PATCH /api/admin/subscribers/:id', () => {
  it('returns one subscriber, and 404 for an unknown id', async () => {
    const ann = await addSubscriber(t.app, 'ann@example.com');
    const res = await api('GET', `/api/admin/subscribers/${ann.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: ann.id, email: 'ann@example.com', bounces: { hard: 0, soft: 0, complaint: 0, last_at: null } });
    expect((await api('GET', '/api/admin/subscribers/999')).status).toBe(404);
  });

  it('edits name, tags (replaced) and attributes (merged, null removes)', async () => {
    const ann = await addSubscriber(t.app, 'ann@example.com', { tags: ['old'], attributes: { plan: 'gold', city: 'Cork' } });
    clock.advance(60_000);
    const res = await api('PATCH', `/api/admin/subscribers/${ann.id}`, { name: 'Ann Reader', tags: ['New', 'second'], attributes: { city: null, team: 'blue' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Ann Reader', tags: ['new', 'second'], attributes: { plan: 'gold', team: 'blue' }, updated_at: '2026-11-24T09:01:00.000Z' });
    expect(res.body.attributes).not.toHaveProperty('city');
    const cleared = await api('PATCH', `/api/admin/subscribers/${ann.id}`, { name: null, tags: [] });
    expect(cleared.body).toMatchObject({ name: null, tags: [] });
  });

  it('refuses an empty or invalid patch and changes nothing', async () => {
    const ann = await addSubscriber(t.app, 'ann@example.com', { name: 'Ann' });
    expect((await api('PATCH', `/api/admin/subscribers/${ann.id}`, {})).status).toBe(400);
    expect((await api('PATCH', `/api/admin/subscribers/${ann.id}`, { name: 'x\ny' })).status).toBe(400);
    expect((await api('PATCH', `/api/admin/subscribers/${ann.id}`, { status: 'bounced' })).status).toBe(400);
    // A bad tag rolls back the name change in the same request.
    expect((await api('PATCH', `/api/admin/subscribers/${ann.id}`, { name: 'Changed', tags: [''] })).status).toBe(400);
    expect((await api('GET', `/api/admin/subscribers/${ann.id}`)).body).toMatchObject({ name: 'Ann', updated_at: ann.updated_at });
  });

  it('lets the editor unsubscribe someone, and bring them back as editor-vouched', async () => {
    const ann = await addSubscriber(t.app, 'ann@example.com');
    clock.advance(1000);
    const left = await api('PATCH', `/api/admin/subscribers/${ann.id}`, { status: 'unsubscribed' });
    expect(left.body).toMatchObject({ status: 'unsubscribed', unsubscribed_at: '2026-11-24T09:00:01.000Z' });
    const back = await api('PATCH', `/api/admin/subscribers/${ann.id}`, { status: 'active' });
    expect(back.body).toMatchObject({ status: 'active', unsubscribed_at: null, consent: { basis: 'editor' } });
  });

  it('keeps a bounced or complained address suppressed unless explicitly cleared', async () => {
    const ann = await addSubscriber(t.app, 'ann@example.com');
    await t.deps.db.updateTable('subscribers').set({ status: 'complained' }).where('id', '=', ann.id).execute();
    await api('POST', '/api/admin/suppressions', { value: 'ann@example.com', reason: 'complaint' });

    const refused = await api('PATCH', `/api/admin/subscribers/${ann.id}`, { status: 'active', name: 'Changed' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('clear_suppression');
    expect((await api('PATCH', `/api/admin/subscribers/${ann.id}`, { status: 'unsubscribed' })).status).toBe(409);
    expect((await api('GET', `/api/admin/subscribers/${ann.id}`)).body).toMatchObject({ status: 'complained', name: null });

    const cleared = await api('PATCH', `/api/admin/subscribers/${ann.id}`, { status: 'active', clear_suppression: true });
    expect(cleared.status).toBe(200);
    expect(cleared.body.status).toBe('active');
    expect((await api('GET', '/api/admin/suppressions')).body.suppressions).toEqual([]);
  });

  it('will not activate an address whose domain is suppressed, even when clearing', async () => {
    const ann = await addSubscriber(t.app, 'ann@example.com');
    await api('PATCH', `/api/admin/subscribers/${ann.id}`, { status: 'unsubscribed' });
    await api('POST', '/api/admin/suppressions', { value: '@example.com' });
    const res = await api('PATCH', `/api/admin/subscribers/${ann.id}`, { status: 'active', clear_suppression: true });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('example.com');
  });
});

describe('GET /api/admin/subscribers (list and search)', () => {
  beforeEach(async () => {
    for (const [email, name, tags] of [
      ['ann@example.com', 'Ann Lee', ['vip']],
      ['bob@sample.org', 'Bob 100% Real', []],
      ['carol_x@example.com', 'Carol', ['vip', 'press']],
      ['dave@example.com', 'DAVE', []],
    ] as const) {
      await addSubscriber(t.app, email, { name, tags });
      clock.advance(1000);
    }
  });
  const emails = async (query: string) => {
    const res = await api('GET', `/api/admin/subscribers${query}`);
    expect(res.status).toBe(200);
    return res.body.subscribers.map((s: { email: string }) => s.email);
  };

  it('lists newest first', async () => {
    expect(await emails('')).toEqual(['dave@example.com', 'carol_x@example.com', 'bob@sample.org', 'ann@example.com']);
  });

  it('searches address or name, case-insensitively', async () => {
    expect(await emails('?q=SAMPLE')).toEqual(['bob@sample.org']);
    expect(await emails('?q=dave')).toEqual(['dave@example.com']);
    expect(await emails('?q=lee')).toEqual(['ann@example.com']);
  });

  it('treats LIKE wildcards in the search literally', async () => {
    expect(await emails('?q=%25')).toEqual(['bob@sample.org']);
    expect(await emails('?q=_')).toEqual(['carol_x@example.com']);
    expect(await emails('?q=100%25 R')).toEqual(['bob@sample.org']);
    expect(await emails('?q=%5C')).toEqual([]);
  });

  it('filters by status, tag and creation time', async () => {
    const list = (await api('GET', '/api/admin/subscribers')).body.subscribers;
    await api('PATCH', `/api/admin/subscribers/${list[0].id}`, { status: 'unsubscribed' });
    expect(await emails('?status=unsubscribed')).toEqual(['dave@example.com']);
    expect(await emails('?tag=VIP')).toEqual(['carol_x@example.com', 'ann@example.com']);
    expect(await emails('?tag=vip&q=ann')).toEqual(['ann@example.com']);
    expect(await emails('?created_after=2026-11-24T09:00:00.500Z&created_before=2026-11-24T09:00:02.500Z')).toEqual(['carol_x@example.com', 'bob@sample.org']);
    expect((await api('GET', '/api/admin/subscribers?created_after=yesterday')).status).toBe(400);
    expect((await api('GET', '/api/admin/subscribers?status=gone')).status).toBe(400);
  });

  it('rejects a limit above 1000 and a forged cursor', async () => {
    expect((await api('GET', '/api/admin/subscribers?limit=1001')).status).toBe(400);
    expect((await api('GET', '/api/admin/subscribers?cursor=nonsense')).status).toBe(400);
  });
});

describe('request validation', () => {
  it('refuses unknown fields rather than ignoring a typo', async () => {
    expect((await api('POST', '/api/admin/subscribers', { email: 'a@example.com', stauts: 'active' })).status).toBe(400);
    const ann = await addSubscriber(t.app, 'ann@example.com');
    expect((await api('PATCH', `/api/admin/subscribers/${ann.id}`, { nmae: 'Ann' })).status).toBe(400);
  });
});
