import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, form, json, linkIn, type TestContext } from './helpers/test-app.js';

let t: TestContext;
beforeEach(async () => {
  t = await createTestContext();
});
afterEach(async () => t.close());

const subscribers = () => t.deps.db.selectFrom('subscribers').selectAll().execute();
const queuedMail = () => t.deps.db.selectFrom('mail_queue').selectAll().execute();

/** Bad input: the given status with our JSON error shape, and nothing stored, queued or sent. */
async function expectRefused(res: Response, status = 400, message?: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/json');
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(status === 413 ? 'payload_too_large' : 'invalid');
  if (message) expect(body.error.message).toMatch(message);
  expect(JSON.stringify(body)).not.toMatch(/at .+:\d+:\d+|node_modules|SQLITE/);
  expect(await subscribers()).toHaveLength(0);
  expect(await queuedMail()).toHaveLength(0);
  await t.drain();
  expect(t.smtp.messages).toHaveLength(0);
}

const post = (body: string, contentType?: string) =>
  t.app.request('/api/subscribe', { method: 'POST', headers: contentType ? { 'content-type': contentType } : {}, body });

describe('header injection', () => {
  it.each([
    ['CRLF and a Bcc header in the email', { email: 'ann@example.com\r\nBcc: victim@example.org' }],
    ['a bare LF in the email', { email: 'ann@example.com\nX-Evil: 1' }],
    ['a CR inside the local part', { email: 'ann\r@example.com' }],
    ['a Unicode line separator in the email', { email: 'ann@example.com\u2028Bcc: x@example.org' }],
    ['a NUL in the email', { email: 'ann\u0000@example.com' }],
    ['CRLF in the name', { email: 'ann@example.com', name: 'Ann\r\nBcc: victim@example.org' }],
    ['a tab in the name', { email: 'ann@example.com', name: 'Ann\tReader' }],
  ])('refuses %s with a 400 JSON error', async (_what, body) => {
    await expectRefused(await t.app.request('/api/subscribe', json(body)), 400, /control characters|line breaks|not a valid/);
  });

  it('refuses CR/LF in a browser form post with the form page again, escaped, and stores nothing', async () => {
    const res = await t.app.request('/api/subscribe', form({ email: 'ann@example.com\r\nBcc: victim@example.org', website: '' }));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('role="alert"');
    expect(html).toMatch(/<form[^>]+action="\/api\/subscribe"/);
    expect(await subscribers()).toHaveLength(0);
  });
});

describe('address length and shape', () => {
  // 64 + 1 + 189 = 254 characters, the most RFC 5321 allows in a path.
  const domain189 = `${'d'.repeat(61)}.${'e'.repeat(61)}.${'f'.repeat(61)}.com`;
  const longest = `${'a'.repeat(64)}@${domain189}`;

  it('accepts an address of exactly 254 characters', async () => {
    expect(longest).toHaveLength(254);
    expect((await t.app.request('/api/subscribe', json({ email: longest }))).status).toBe(202);
    expect(await subscribers()).toHaveLength(1);
  });

  it.each([
    ['255 characters', `${'a'.repeat(64)}@x${domain189}`],
    ['a 1000-character local part', `${'a'.repeat(1000)}@example.com`],
    ['a 10 000-character address', `${'a'.repeat(5000)}@${'b'.repeat(4990)}.com`],
  ])('refuses an address of %s with a 400 JSON error', async (_what, email) => {
    await expectRefused(await t.app.request('/api/subscribe', json({ email })), 400, /254|not a valid/);
  });

  it.each([
    ['no @', 'ann.example.com'],
    ['no domain', 'ann@'],
    ['no local part', '@example.com'],
    ['no TLD', 'ann@localhost'],
    ['an IP literal', 'ann@[127.0.0.1]'],
    ['a display name', 'Ann <ann@example.com>'],
    ['two addresses', 'ann@example.com, bob@example.com'],
    ['an empty string', ''],
    ['only spaces', '   '],
  ])('refuses an address with %s', async (_what, email) => {
    await expectRefused(await t.app.request('/api/subscribe', json({ email })), 400);
  });

  it.each([
    ['a number', 42],
    ['an array', ['ann@example.com']],
    ['an object', { address: 'ann@example.com' }],
    ['null', null],
  ])('refuses an email that is %s', async (_what, email) => {
    await expectRefused(await t.app.request('/api/subscribe', json({ email })), 400);
  });

  it('refuses a missing email and a non-string or over-long name', async () => {
    await expectRefused(await t.app.request('/api/subscribe', json({ name: 'Ann' })), 400, /email is required/);
    await expectRefused(await t.app.request('/api/subscribe', json({ email: 'ann@example.com', name: 7 })), 400, /name/);
    await expectRefused(await t.app.request('/api/subscribe', json({ email: 'ann@example.com', name: 'n'.repeat(101) })), 400, /name/);
  });
});

describe('request bodies', () => {
  it.each([
    ['text/plain', '{"email":"ann@example.com"}'],
    ['application/xml', '<email>ann@example.com</email>'],
    ['no content type', '{"email":"ann@example.com"}'],
  ])('refuses a %s body with a 400 JSON error', async (type, body) => {
    await expectRefused(await post(body, type === 'no content type' ? undefined : type), 400, /JSON/);
  });

  it.each([
    ['truncated JSON', '{"email":"ann@example.com"'],
    ['single quotes', "{'email':'ann@example.com'}"],
    ['an empty body', ''],
  ])('refuses malformed JSON (%s) with a 400 JSON error', async (_what, body) => {
    await expectRefused(await post(body, 'application/json'), 400, /not valid JSON/);
  });

  it.each([
    ['an array', '[{"email":"ann@example.com"}]'],
    ['a string', '"ann@example.com"'],
    ['null', 'null'],
    ['a number', '1'],
  ])('refuses a JSON body that is %s', async (_what, body) => {
    await expectRefused(await post(body, 'application/json'), 400, /JSON object/);
  });

  it('refuses a body over 16 KB with 413, whether or not it declares its length', async () => {
    const big = JSON.stringify({ email: 'ann@example.com', name: 'x'.repeat(17 * 1024) });
    await expectRefused(await post(big, 'application/json'), 413);
    const declared = await t.app.request('/api/subscribe', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(big.length) },
      body: big,
    });
    await expectRefused(declared, 413, /at most 16384 bytes/);

    // A chunked upload has no Content-Length: the limit must hold while the body streams in.
    const chunk = new TextEncoder().encode(`{"email":"ann@example.com","name":"${'y'.repeat(4096)}`);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await t.app.request('/api/subscribe', { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
    await expectRefused(res, 413);

    // A browser form post gets a page rather than JSON.
    const bigForm = await t.app.request('/api/subscribe', form({ email: 'ann@example.com', name: 'z'.repeat(20_000) }));
    expect(bigForm.status).toBe(413);
    expect(bigForm.headers.get('content-type')).toContain('text/html');
    expect(await subscribers()).toHaveLength(0);
  });

  it('accepts a body just under the limit', async () => {
    const body = JSON.stringify({ email: 'ann@example.com', padding: 'p'.repeat(15 * 1024) });
    expect((await post(body, 'application/json')).status).toBe(202);
  });
});

describe('markup in names and addresses', () => {
  const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&';

  it('escapes a name with HTML in the mails and on the preferences page', async () => {
    expect((await t.app.request('/api/subscribe', json({ email: 'ann@example.com', name: evil }))).status).toBe(202);
    expect((await subscribers())[0]!.name).toBe(evil);
    await t.drain();
    const [confirm] = await t.smtp.waitFor(1);
    // The confirmation goes out before anyone proved the address, so it shows no reader-chosen
    // text at all (a name would let anyone put their words into a mail from the publication).
    expect(confirm!.parsed.html).not.toContain('alert(1)');
    expect(confirm!.parsed.text).not.toContain('alert(1)');
    // The name is an encoded display name, not extra header syntax.
    expect(confirm!.parsed.to && 'value' in confirm!.parsed.to ? confirm!.parsed.to.value[0] : undefined).toEqual({ address: 'ann@example.com', name: evil });

    // After confirming, the welcome mail greets the reader by name: escaped in HTML, as typed in text.
    await t.app.request(new URL(linkIn(confirm!.parsed.text!, '/confirm/')).pathname, { method: 'POST' });
    await t.drain();
    const [, welcome] = await t.smtp.waitFor(2);
    const html = welcome!.parsed.html as string;
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(welcome!.parsed.text).toContain(evil);

    const prefs = linkIn(confirm!.parsed.text!, '/preferences/');
    const page = await (await t.app.request(new URL(prefs).pathname)).text();
    expect(page).not.toContain('<script>alert(1)');
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('escapes a rejected address echoed back into the form page', async () => {
    const res = await t.app.request('/api/subscribe', form({ email: `"><script>alert(1)</script>`, website: '' }));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&quot;&gt;&lt;script&gt;');
  });

  it('keeps a strange but valid address intact and the table whole', async () => {
    const odd = "o'brien+news@example.com";
    expect((await t.app.request('/api/subscribe', json({ email: odd, name: "Robert'); DROP TABLE subscribers;--" }))).status).toBe(202);
    expect(await subscribers()).toMatchObject([{ email: odd, name: "Robert'); DROP TABLE subscribers;--" }]);
  });
});

describe('honeypot', () => {
  it('answers a filled honeypot in a form post like a success, and stores and sends nothing', async () => {
    const res = await t.app.request('/api/subscribe', form({ email: 'bot@example.com', source: 'form', website: 'https://spam.example' }));
    expect(res.status).toBe(202);
    expect(await res.text()).toContain('Check your inbox');
    expect(await subscribers()).toHaveLength(0);
    expect(await queuedMail()).toHaveLength(0);
    await t.drain();
    expect(t.smtp.messages).toHaveLength(0);
  });

  it('does the same for JSON, with the same body a real subscriber gets', async () => {
    const bot = await t.app.request('/api/subscribe', json({ email: 'bot@example.com', website: 'x' }));
    const person = await t.app.request('/api/subscribe', json({ email: 'ann@example.com', website: '' }));
    expect([bot.status, person.status]).toEqual([202, 202]);
    expect(await bot.text()).toBe(await person.text());
    expect((await subscribers()).map((s) => s.email)).toEqual(['ann@example.com']);
  });

  it('the subscribe page hides the honeypot from people and from autofill', async () => {
    const html = await (await t.app.request('/subscribe')).text();
    expect(html).toMatch(/<div class="hp" aria-hidden="true">\s*<label>[^<]*<input type="text" name="website" tabindex="-1" autocomplete="off"/);
  });
});

describe('rate limit behind a proxy', () => {
  it('keys on the address the trusted proxy appended, not on what the client wrote before it', async () => {
    const { createTestContext: create, json: body } = await import('./helpers/test-app.js');
    const c = await create({ env: { SUBSCRIBE_RATE_LIMIT: '2/1m' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await c.app.request('/api/subscribe', body({ email: `spoof${i}@example.com` }, { 'x-forwarded-for': `10.9.9.${i}, 198.51.100.77` }));
        statuses.push(res.status);
      }
      expect(statuses).toEqual([202, 202, 429, 429]);
    } finally {
      await c.close();
    }
  });
});
