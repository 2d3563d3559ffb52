import { adminApi } from './posts-fixtures.js';
import { publishWithSend, seedActiveReaders } from './sending-fixtures.js';
import type { ReceivedMail } from './smtp-sink.js';
import { json, linkIn, type TestContext } from './test-app.js';

export interface ThreeKinds {
  post: ReceivedMail;
  confirm: ReceivedMail;
  welcome: ReceivedMail;
}

/** Runs the worker and returns the one message it sent. */
async function nextMail(t: TestContext): Promise<ReceivedMail> {
  const before = t.smtp.messages.length;
  await t.drain();
  const messages = await t.smtp.waitFor(before + 1);
  if (messages.length !== before + 1) throw new Error(`expected one new message, got ${messages.length - before}`);
  return messages[before]!;
}

/**
 * Every kind of mail readers receive, as delivered through SMTP: a post mailed to one reader,
 * then a confirmation and a welcome for a new subscriber. Needs the admin key in the context.
 */
export async function receiveEveryKind(t: TestContext, post: { title: string; body: string; [k: string]: unknown }): Promise<ThreeKinds> {
  await seedActiveReaders(t.deps, 1);
  const published = await publishWithSend(t.app, post);
  if (published.status !== 202) throw new Error(`publish failed: ${published.status} ${JSON.stringify(published.body)}`);
  const postMail = await nextMail(t);

  const subscribed = await t.app.request('/api/subscribe', json({ email: 'new.reader@example.org', name: 'Nia' }));
  if (subscribed.status !== 202) throw new Error(`subscribe failed: ${subscribed.status}`);
  const confirm = await nextMail(t);
  const confirmed = await t.app.request(new URL(linkIn(confirm.parsed.text!, '/confirm/')).pathname, { method: 'POST' });
  if (confirmed.status !== 200) throw new Error(`confirm failed: ${confirmed.status}`);
  const welcome = await nextMail(t);
  return { post: postMail, confirm, welcome };
}

/** The publication as an operator sets it up before mailing anyone. */
export async function setUpPublication(t: TestContext, settings: Record<string, unknown> = {}) {
  const res = await adminApi(t.app, 'PATCH', '/api/admin/settings', { postal_address: '1 Quay Street, Dublin', ...settings });
  if (res.status !== 200) throw new Error(`settings failed: ${res.status} ${JSON.stringify(res.body)}`);
}
