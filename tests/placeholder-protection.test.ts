import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_ENV, adminApi, postInput } from './helpers/posts-fixtures.js';
import { publishWithSend } from './helpers/sending-fixtures.js';
import { addSubscriber } from './helpers/subscriber-fixtures.js';
import { createTestContext, linkIn, type TestContext } from './helpers/test-app.js';

// Placeholders an author splits with markup: no {{ in the source or the HTML, but the text part
// (made from the HTML) would join them into live ones.
const BODY = 'Split: {<b></b>{unsubscribe_url}} and {<i></i>{ email }} and {<span></span>{name}}.';

let t: TestContext;
beforeEach(async () => {
  t = await createTestContext({ env: ADMIN_ENV });
});
afterEach(async () => t.close());

/** The text part shows the author's braces as typed: no reader value stands in for them. */
function expectInert(text: string) {
  expect(text).toContain('Split: {{unsubscribe_url}} and {{ email }} and {{name}}.');
}

describe('placeholders split by markup in a post body', () => {
  it('stay text in the text part of a mailing', async () => {
    await addSubscriber(t.app, 'reader@example.com', { name: 'Ann' });
    expect((await publishWithSend(t.app, postInput({ body: BODY }))).status).toBe(202);
    await t.drain();
    const [mail] = await t.smtp.waitFor(1);
    const text = mail!.parsed.text!;
    expectInert(text);
    // The footer's real placeholder still works.
    expect(linkIn(text, '/unsubscribe/')).toMatch(/^https:\/\/news\.example\.com\/unsubscribe\/.+/);
  });

  it('stay text in the text part of a test send', async () => {
    const post = await adminApi(t.app, 'POST', '/api/admin/posts', postInput({ body: BODY }));
    expect((await adminApi(t.app, 'POST', `/api/admin/posts/${post.body.id}/test`, { to: 'editor@example.com' })).status).toBe(200);
    const [mail] = await t.smtp.waitFor(1);
    expectInert(mail!.parsed.text!);
  });
});
