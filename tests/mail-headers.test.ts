import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_ENV, adminApi, postInput } from './helpers/posts-fixtures.js';
import { parseStrict } from './helpers/python-email.js';
import { publishWithSend } from './helpers/sending-fixtures.js';
import type { ReceivedMail } from './helpers/smtp-sink.js';
import { addSubscriber, importCsv } from './helpers/subscriber-fixtures.js';
import { createTestContext, json, type TestContext } from './helpers/test-app.js';

/** Display names a hostile reader (or a careless editor) could choose; each at most 100 characters. */
const HOSTILE_NAMES = [
  'Zoë <x@evil.test>,',
  'a, b <c@d>',
  'The "Quay" \\ Crew <y@evil.test>',
  '=?utf-8?q?Support=40bank.test?=',
  '=?UTF-8?Q?Zo=C3=AB?= <z@evil.test>, Zoë',
  // Long enough to be folded over several lines, with specials on every line.
  'Zoë Ångström, <x@evil.test>; Éléonore "the editor" \\ Ørsted <y@evil.test>, 李小龍 =?q?= ÿ',
  ('Plain ASCII reader, "quoted" <w@evil.test> ').repeat(3).slice(0, 100).trim(),
];

let t: TestContext;
beforeEach(async () => {
  t = await createTestContext({ env: ADMIN_ENV });
});
afterEach(async () => t.close());

/** mailparser and Python's strict parser both see exactly `expected` in `field`, and no defect. */
function expectOneMailbox(mail: ReceivedMail, field: 'from' | 'to', expected: { name: string; address: string }) {
  const header = mail.parsed[field];
  // mailparser gives a list only for a header that occurs more than once.
  expect(Array.isArray(header) ? header.flatMap((h) => h.value) : header?.value, `${field} as mailparser reads it`).toEqual([{ address: expected.address, name: expected.name }]);
  const strict = parseStrict(mail.raw);
  expect(strict.defects).toEqual([]);
  expect(strict[field].map((m) => m.address), `${field} addresses as Python's strict parser reads them`).toEqual([expected.address]);
  // Python (3.11 here) keeps the space between two adjacent encoded words of a display name,
  // which RFC 2047 section 6.2 says to ignore (CPython gh-128110), so a long name comes back with
  // a space where the encoder split it; mailparser above checks the exact name.
  const spaceless = (s: string) => s.replace(/\s+/g, '');
  expect(spaceless(strict[field][0]!.name), `${field} name as Python's strict parser reads it`).toBe(spaceless(expected.name));
}

describe('display names in mail headers', () => {
  it('gives every reader of a mailing exactly one To address, whatever their name, and keeps the name', async () => {
    const readers = HOSTILE_NAMES.map((name, i) => ({ name, address: `reader${i}@example.com` }));
    // Half arrive through a CSV import, half through the admin API.
    const csvCell = (v: string) => `"${v.replaceAll('"', '""')}"`;
    const imported = readers.slice(0, 4);
    const csv = ['email,name', ...imported.map((r) => `${r.address},${csvCell(r.name)}`)].join('\n');
    expect((await importCsv(t.app, csv)).body).toMatchObject({ created: imported.length, invalid: 0 });
    for (const r of readers.slice(4)) await addSubscriber(t.app, r.address, { name: r.name });
    const sent = await publishWithSend(t.app, postInput());
    expect(sent.status).toBe(202);
    await t.drain();

    const mails = await t.smtp.waitFor(readers.length);
    for (const reader of readers) {
      const mail = mails.find((m) => m.envelope.to[0] === reader.address)!;
      expect(mail.envelope.to).toEqual([reader.address]);
      expectOneMailbox(mail, 'to', reader);
    }
  });

  it('gives a confirmation mail one To address for a reader who signs up with a hostile name', async () => {
    const reader = { name: HOSTILE_NAMES[0]!, address: 'zoe@example.com' };
    const res = await t.app.request('/api/subscribe', json({ email: reader.address, name: reader.name }));
    expect(res.status).toBe(202);
    await t.drain();
    const [mail] = await t.smtp.waitFor(1);
    expectOneMailbox(mail!, 'to', reader);
  });

  it('writes a hostile sender_name as one From mailbox in mailings, confirmations and test sends', async () => {
    const post = await adminApi(t.app, 'POST', '/api/admin/posts', postInput({ title: 'Draft' }));
    for (const [i, name] of HOSTILE_NAMES.entries()) {
      const patched = await adminApi(t.app, 'PATCH', '/api/admin/settings', { sender_name: name });
      expect(patched.status).toBe(200);
      const from = { name, address: 'newsletter@example.com' };
      const before = t.smtp.messages.length;

      // Test send: the nodemailer path.
      const test = await adminApi(t.app, 'POST', `/api/admin/posts/${post.body.id}/test`, { to: 'editor@example.com' });
      expect(test.status).toBe(200);
      // Confirmation: the transactional queue's MIME template.
      await t.app.request('/api/subscribe', json({ email: `new${i}@example.com` }));
      await t.drain();
      const mails = (await t.smtp.waitFor(before + 2)).slice(before);
      expect(mails).toHaveLength(2);
      for (const mail of mails) expectOneMailbox(mail, 'from', from);
    }

    // A mailing: the send's own MIME template, with the last name.
    await addSubscriber(t.app, 'reader@example.com');
    const before = t.smtp.messages.length;
    expect((await publishWithSend(t.app, postInput({ title: 'Mailing' }))).status).toBe(202);
    await t.drain();
    const [mailing] = (await t.smtp.waitFor(before + 1)).slice(before);
    expectOneMailbox(mailing!, 'from', { name: HOSTILE_NAMES.at(-1)!, address: 'newsletter@example.com' });
    // Seven rounds of mail through the real SMTP server and Python: slow on a loaded machine.
  }, 120_000);
});
