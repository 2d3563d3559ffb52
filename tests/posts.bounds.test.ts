import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ENV, adminApi, postInput } from './helpers/posts-fixtures.js';
import { createTestContext, type TestContext } from './helpers/test-app.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ env: ADMIN_ENV });
});
afterAll(async () => t.close());

// Quadratic for marked: 120k characters took 14-94 s on the event loop before rendering was bounded.
const PATHOLOGICAL = '_a'.repeat(60_000);
const postCount = async () => Number((await t.deps.db.selectFrom('posts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

/**
 * Starts `save`, lets it get under way, then asks for /health: returns the order in which the two
 * answered. On a blocked event loop even the timer that sends /health waits for the save.
 */
async function healthDuring(save: () => Promise<{ status: number; body: any }>) {
  const order: string[] = [];
  const saving = save().then((answer) => {
    order.push('save');
    return answer;
  });
  await new Promise((r) => setTimeout(r, 200));
  const health = await t.app.request('/health');
  order.push(`health ${health.status}`);
  return { order, answer: await saving };
}

describe('a body that would take too long to render', () => {
  it('POST: /health answers while it renders, the save is refused with 422 and nothing is stored; the next save works', async () => {
    const { order, answer } = await healthDuring(() => adminApi(t.app, 'POST', '/api/admin/posts', postInput({ body: PATHOLOGICAL })));
    expect(order).toEqual(['health 200', 'save']);
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('unprocessable');
    expect(answer.body.error.message).toMatch(/could not be rendered within \d+ s/);
    expect(await postCount()).toBe(0);

    // The stuck renderer was replaced.
    const next = await adminApi(t.app, 'POST', '/api/admin/posts', postInput({ title: 'After', body: 'Plain *text*.' }));
    expect(next.status).toBe(201);
    expect(next.body.body_html).toBe('<p>Plain <em>text</em>.</p>');
  }, 30_000);

  it('PATCH: refused with 422 the same way, and the post keeps its body', async () => {
    const created = await adminApi(t.app, 'POST', '/api/admin/posts', postInput({ title: 'Kept', body: 'Before.' }));
    const { order, answer } = await healthDuring(() => adminApi(t.app, 'PATCH', `/api/admin/posts/${created.body.id}`, { body: PATHOLOGICAL }));
    expect(order).toEqual(['health 200', 'save']);
    expect(answer.status).toBe(422);
    const after = await adminApi(t.app, 'GET', `/api/admin/posts/${created.body.id}`);
    expect(after.body).toMatchObject({ body: 'Before.', body_html: '<p>Before.</p>', updated_at: created.body.updated_at });
  }, 30_000);
});

describe('a body nested thousands of levels deep', () => {
  it.each([
    ['block quotes', '>'.repeat(15_000) + 'a'],
    ['lists', '- '.repeat(15_000) + 'a'],
    ['raw HTML quotes', '<blockquote>'.repeat(15_000) + 'a'],
  ])('%s: 400 with a clear error, nothing stored', async (_name, body) => {
    const before = await postCount();
    const res = await adminApi(t.app, 'POST', '/api/admin/posts', postInput({ body }));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid', message: expect.stringContaining('nested too deeply') });
    expect(await postCount()).toBe(before);
  });

  it('tags the sanitiser drops (15,000 <div>s) leave a flat body, which saves', async () => {
    const res = await adminApi(t.app, 'POST', '/api/admin/posts', postInput({ body: '<div>'.repeat(15_000) + 'a' + '</div>'.repeat(15_000) }));
    expect(res.status).toBe(201);
    expect(res.body.body_html).toBe('a');
  });

  it('ordinary nesting (a list in a quote in a list) renders', async () => {
    const res = await adminApi(t.app, 'POST', '/api/admin/posts', postInput({ body: '- one\n\n  > quoted\n  > - inner\n' }));
    expect(res.status).toBe(201);
    expect(res.body.body_html).toContain('<blockquote>');
  });
});
