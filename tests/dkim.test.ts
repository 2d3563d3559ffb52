import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dkimKey } from './helpers/dkim-judge.js';
import { ADMIN_ENV, adminApi, postInput } from './helpers/posts-fixtures.js';
import { publishWithSend } from './helpers/sending-fixtures.js';
import type { ReceivedMail } from './helpers/smtp-sink.js';
import { addSubscriber } from './helpers/subscriber-fixtures.js';
import { createTestContext, json, type TestContext } from './helpers/test-app.js';

const key = dkimKey();
let t: TestContext;
beforeEach(async () => {
  t = await createTestContext({ env: { ...ADMIN_ENV, ...key.env } });
});
afterEach(async () => t.close());

/** The h= tag of the message's DKIM-Signature, as a list of lowercase field names. */
function signedFields(mail: ReceivedMail): string[] {
  const signature = mail.header('DKIM-Signature');
  expect(signature, 'the message has a DKIM-Signature').toBeDefined();
  return signature!.match(/\bh=([^;]+)/)![1]!.replace(/\s+/g, '').toLowerCase().split(':');
}

/** One of each kind of mail, received by the SMTP sink: a mailing, a confirmation, a test send. */
async function oneOfEachKind(): Promise<ReceivedMail[]> {
  await addSubscriber(t.app, 'reader@example.com', { name: 'Zoë <x@evil.test>,' });
  expect((await publishWithSend(t.app, postInput())).status).toBe(202);
  expect((await t.app.request('/api/subscribe', json({ email: 'new@example.com', name: 'Ann' }))).status).toBe(202);
  await t.drain();
  const post = await adminApi(t.app, 'POST', '/api/admin/posts', postInput({ title: 'Draft' }));
  expect((await adminApi(t.app, 'POST', `/api/admin/posts/${post.body.id}/test`, { to: 'editor@example.com' })).status).toBe(200);
  const mails = await t.smtp.waitFor(3);
  expect(mails.map((m) => m.envelope.to[0]).sort()).toEqual(['editor@example.com', 'new@example.com', 'reader@example.com']);
  return mails;
}

describe('DKIM signatures (judged by mailauth)', () => {
  it('signs every kind of mail so that it verifies, with From oversigned and List-Unsubscribe-Post signed', async () => {
    for (const mail of await oneOfEachKind()) {
      const results = await key.verify(mail.raw);
      expect(results.map((r) => r.status.result), `${mail.envelope.to[0]}: ${JSON.stringify(results)}`).toEqual(['pass']);
      const fields = signedFields(mail);
      // One From in the message, two in h=: the second signs the absence of any other From.
      expect(mail.raw.match(/^From:/gim)).toHaveLength(1);
      expect(fields.filter((f) => f === 'from')).toHaveLength(2);
      expect(fields).toEqual(expect.arrayContaining(['to', 'subject', 'date', 'message-id', 'list-unsubscribe', 'list-unsubscribe-post']));
    }
  });

  it('stops verifying when a second From is added after signing', async () => {
    for (const mail of await oneOfEachKind()) {
      const forged = `From: "The Bank" <security@bank.test>\r\n${mail.raw}`;
      const results = await key.verify(forged);
      expect(results.map((r) => r.status.result), mail.envelope.to[0]).not.toContain('pass');
      // The untouched message still passes, so it is the added From that breaks it.
      expect((await key.verify(mail.raw)).map((r) => r.status.result)).toEqual(['pass']);
    }
  });
});
