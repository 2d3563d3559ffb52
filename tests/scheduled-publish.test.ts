import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refuseInserts } from './helpers/refuse-writes.js';
import { adminApi, ADMIN_ENV, postInput } from './helpers/posts-fixtures.js';
import { createTestContext, manualClock, type TestContext } from './helpers/test-app.js';

let t: TestContext;
const clock = manualClock();
beforeEach(async () => {
  clock.set(new Date('2026-11-24T09:00:00.000Z'));
  t = await createTestContext({ env: ADMIN_ENV, clock });
});
afterEach(async () => t.close());

const api = (method: string, path: string, body?: unknown) => adminApi(t.app, method, path, body);
const draft = async (title: string) => (await api('POST', '/api/admin/posts', postInput({ title }))).body;
const status = async (id: number) => (await api('GET', `/api/admin/posts/${id}`)).body;
const pageStatus = async (slug: string) => (await t.app.request(`/posts/${slug}`)).status;

describe('scheduled publishing', () => {
  it('schedules with publish {scheduled_at} and the worker publishes when the time comes, not before', async () => {
    const post = await draft('Tuesday edition');
    // Given with an offset, stored in UTC.
    const res = await api('POST', `/api/admin/posts/${post.id}/publish`, { send: false, scheduled_at: '2026-11-24T12:30:00+02:00' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ post: expect.objectContaining({ status: 'scheduled', scheduled_at: '2026-11-24T10:30:00.000Z', send_on_publish: false, published_at: null }), send: null });
    expect(await pageStatus('tuesday-edition')).toBe(404);

    clock.set(new Date('2026-11-24T10:29:59.999Z'));
    await t.drain();
    expect((await status(post.id)).status).toBe('scheduled');
    expect(await pageStatus('tuesday-edition')).toBe(404);

    clock.set(new Date('2026-11-24T10:30:01.000Z'));
    await t.drain();
    expect(await status(post.id)).toMatchObject({ status: 'published', published_at: '2026-11-24T10:30:01.000Z', scheduled_at: null, publish_error: null });
    expect(await pageStatus('tuesday-edition')).toBe(200);
    expect(await (await t.app.request('/posts')).text()).toContain('Tuesday edition');
  });

  it('publishes every due post in one pass and leaves the rest', async () => {
    const posts = [];
    for (const [title, at] of [
      ['First', '2026-11-24T10:00:00Z'],
      ['Second', '2026-11-24T11:00:00Z'],
      ['Third', '2026-11-25T09:00:00Z'],
    ] as const) {
      const post = await draft(title);
      await api('POST', `/api/admin/posts/${post.id}/publish`, { send: false, scheduled_at: at });
      posts.push(post);
    }
    clock.set(new Date('2026-11-24T12:00:00Z'));
    await t.drain();
    expect(await Promise.all(posts.map(async (p) => (await status(p.id)).status))).toEqual(['published', 'published', 'scheduled']);
  });

  it('creating with scheduled_at schedules; scheduled_at: null takes it back to draft, and the worker leaves it', async () => {
    const created = await api('POST', '/api/admin/posts', postInput({ title: 'Maybe later', scheduled_at: '2026-11-24T10:00:00Z', send_on_publish: false }));
    expect(created.body).toMatchObject({ status: 'scheduled', scheduled_at: '2026-11-24T10:00:00.000Z', send_on_publish: false });
    const unscheduled = await api('PATCH', `/api/admin/posts/${created.body.id}`, { scheduled_at: null });
    expect(unscheduled.body).toMatchObject({ status: 'draft', scheduled_at: null });
    clock.set(new Date('2026-11-24T11:00:00Z'));
    await t.drain();
    expect((await status(created.body.id)).status).toBe('draft');
  });

  it('follows a reschedule: the old time no longer publishes it, the new one does', async () => {
    const post = await draft('Moved');
    await api('POST', `/api/admin/posts/${post.id}/publish`, { send: false, scheduled_at: '2026-11-24T10:00:00Z' });
    const moved = await api('PATCH', `/api/admin/posts/${post.id}`, { scheduled_at: '2026-11-24T15:00:00Z' });
    expect(moved.body).toMatchObject({ status: 'scheduled', scheduled_at: '2026-11-24T15:00:00.000Z' });
    clock.set(new Date('2026-11-24T10:00:00Z'));
    await t.drain();
    expect((await status(post.id)).status).toBe('scheduled');
    clock.set(new Date('2026-11-24T15:00:00Z'));
    await t.drain();
    expect((await status(post.id)).status).toBe('published');
  });

  it('publishing a scheduled post by hand publishes it now; the worker then has nothing to do', async () => {
    const post = await draft('Early');
    await api('POST', `/api/admin/posts/${post.id}/publish`, { send: false, scheduled_at: '2026-11-24T10:00:00Z' });
    clock.advance(60_000);
    const now = await api('POST', `/api/admin/posts/${post.id}/publish`, { send: false });
    expect(now.body.post).toMatchObject({ status: 'published', published_at: '2026-11-24T09:01:00.000Z', scheduled_at: null });
    clock.set(new Date('2026-11-24T10:00:00Z'));
    await t.drain();
    expect((await status(post.id)).published_at).toBe('2026-11-24T09:01:00.000Z');
  });

  it('treats a scheduled_at already past as "publish now"', async () => {
    const post = await draft('Late');
    const res = await api('POST', `/api/admin/posts/${post.id}/publish`, { send: false, scheduled_at: '2026-11-24T08:00:00Z' });
    expect(res.body.post).toMatchObject({ status: 'published', published_at: '2026-11-24T09:00:00.000Z' });
  });

  it('is done by the running worker loop too, not only by drain()', async () => {
    clock.set(new Date());
    const post = await draft('Looped');
    // From the test's clock, not Date.now(): creating the draft can take more than a second on a
    // busy machine, and a time read after it would still be in the future after the advance below.
    await api('POST', `/api/admin/posts/${post.id}/publish`, { send: false, scheduled_at: new Date(clock.now().getTime() + 60_000).toISOString() });
    clock.advance(61_000);
    const loop = t.startWorker();
    await expect.poll(async () => (await status(post.id)).status, { timeout: 5000 }).toBe('published');
    await loop.stop();
  });
  it('starts the mailing with the publication when scheduled with send', async () => {
    const post = await draft('Mailed at ten');
    await api('POST', `/api/admin/posts/${post.id}/publish`, { scheduled_at: '2026-11-24T10:00:00Z' });
    clock.set(new Date('2026-11-24T10:00:00Z'));
    await t.drain();
    expect((await status(post.id)).status).toBe('published');
    expect(await t.deps.db.selectFrom('sends').select('post_id').execute()).toEqual([{ post_id: post.id }]);
  });

  it('keeps a due post scheduled while its mailing cannot start, shows why, retries with backoff, then publishes', async () => {
    const post = await draft('Stuck');
    await api('POST', `/api/admin/posts/${post.id}/publish`, { scheduled_at: '2026-11-24T10:00:00Z' });
    // The database refuses to record a mailing: a real failure inside the worker's transaction.
    const allowSends = await refuseInserts(t.deps.db, 'sends', 'sends are refused');
    clock.set(new Date('2026-11-24T10:00:00Z'));
    await t.drain();
    const stuck = await status(post.id);
    expect(stuck).toMatchObject({ status: 'scheduled', published_at: null, publish_error: 'Publishing failed unexpectedly; the server log has the details.' });
    expect(await pageStatus('stuck')).toBe(404);
    const [row] = await t.deps.db.selectFrom('posts').select(['publish_attempts', 'publish_retry_at']).execute();
    expect(row!.publish_attempts).toBe(1);
    const retryAt = Date.parse(row!.publish_retry_at!);
    expect(retryAt).toBeGreaterThan(clock.now().getTime());

    // Not retried before its time, even though the cause is gone.
    await allowSends();
    await t.drain();
    expect((await status(post.id)).status).toBe('scheduled');
    clock.set(new Date(retryAt));
    await t.drain();
    expect(await status(post.id)).toMatchObject({ status: 'published', publish_error: null });
    expect(await t.deps.db.selectFrom('sends').select('post_id').execute()).toEqual([{ post_id: post.id }]);
  });

  it('lets the editor end the wait by publishing on the web only', async () => {
    const post = await draft('Web instead');
    await api('POST', `/api/admin/posts/${post.id}/publish`, { scheduled_at: '2026-11-24T10:00:00Z' });
    const allowSends = await refuseInserts(t.deps.db, 'sends', 'sends are refused');
    clock.set(new Date('2026-11-24T10:00:00Z'));
    await t.drain();
    const res = await api('POST', `/api/admin/posts/${post.id}/publish`, { send: false });
    expect(res.body.post).toMatchObject({ status: 'published', send_on_publish: false, publish_error: null });
  });
});
