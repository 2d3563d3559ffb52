import { afterEach, describe, expect, it } from 'vitest';
import { CONFIRM_MAIL_INTERVAL_MS } from '../src/subscriptions/enqueue-mail.js';
import { createTestContext, form, json, linkIn, manualClock, type TestContext } from './helpers/test-app.js';

let t: TestContext;
afterEach(async () => t?.close());

const confirmations = () => t.deps.db.selectFrom('mail_queue').select(['id', 'status']).where('kind', '=', 'confirm').execute();
const confirmMails = () => t.smtp.messages.filter((m) => m.parsed.subject?.startsWith('Confirm'));
const signups = (n: number, email: string) =>
  Promise.all(Array.from({ length: n }, (_, i) => t.app.request('/api/subscribe', json({ email }, { 'x-forwarded-for': `198.51.100.${i + 1}` }))));

describe('concurrent signups of one address', () => {
  it('50 parallel requests all get 202 and exactly one confirmation is queued and sent', async () => {
    t = await createTestContext();
    const answers = await signups(50, 'victim@example.com');
    expect(answers.map((r) => r.status)).toEqual(Array(50).fill(202));
    expect(await confirmations()).toHaveLength(1);
    await t.drain();
    await t.smtp.waitFor(1);
    expect(confirmMails()).toHaveLength(1);
    expect(await t.deps.db.selectFrom('subscribers').select('status').execute()).toEqual([{ status: 'pending' }]);
  });

  it('the same for a reader who left: one confirmation however many requests race', async () => {
    const clock = manualClock();
    t = await createTestContext({ clock });
    await t.app.request('/api/subscribe', json({ email: 'ann@example.com' }));
    await t.drain();
    const [mail] = await t.smtp.waitFor(1);
    clock.advance(60_000);
    await t.app.request(new URL(linkIn(mail!.parsed.text!, '/unsubscribe/')).pathname, form({ 'List-Unsubscribe': 'One-Click' }));
    clock.advance(60_000);
    // The first confirmation went out before the reader left, so it no longer counts: one new one.
    expect((await signups(50, 'ann@example.com')).map((r) => r.status)).toEqual(Array(50).fill(202));
    expect(await confirmations()).toHaveLength(2);
  });

  it('sends no second confirmation within the window, a new one after it, and never more than CONFIRM_MAILS_PER_DAY a day', async () => {
    const clock = manualClock();
    t = await createTestContext({ clock });
    await signups(5, 'victim@example.com');
    await t.drain();
    clock.advance(CONFIRM_MAIL_INTERVAL_MS - 1);
    await signups(5, 'victim@example.com');
    expect(await confirmations()).toHaveLength(1);
    for (let i = 0; i < 5; i++) {
      clock.advance(CONFIRM_MAIL_INTERVAL_MS);
      await signups(3, 'victim@example.com');
      await t.drain();
    }
    // The default cap of 3 a day holds however the requests are spread.
    expect(await confirmations()).toHaveLength(3);
    clock.advance(86_400_000);
    await signups(3, 'victim@example.com');
    expect(await confirmations()).toHaveLength(4);
  });

  it('holds a second confirmation while the first is still waiting to be sent, however long that takes', async () => {
    const clock = manualClock();
    t = await createTestContext({ clock, smtp: { onRecipient: () => ({ code: 451, message: '4.3.0 try later' }) } });
    await signups(1, 'slow@example.com');
    await t.drain();
    clock.advance(2 * CONFIRM_MAIL_INTERVAL_MS);
    await signups(1, 'slow@example.com');
    expect(await confirmations()).toEqual([expect.objectContaining({ status: 'pending' })]);
  });
});
