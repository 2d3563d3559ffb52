import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_ENV, adminApi } from './helpers/posts-fixtures.js';
import { importCsv } from './helpers/subscriber-fixtures.js';
import { createTestContext, json, type TestContext } from './helpers/test-app.js';

let t: TestContext;
beforeEach(async () => {
  t = await createTestContext({ env: ADMIN_ENV });
});
afterEach(async () => t.close());

const subscribers = () => t.deps.db.selectFrom('subscribers').select(['email', 'email_normalized']).orderBy('id').execute();

/** Characters that draw nothing, or reorder what is drawn: two such addresses look like one. */
const INVISIBLE: Array<[string, string]> = [
  ['U+202A left-to-right embedding', '\u202a'],
  ['U+202B right-to-left embedding', '\u202b'],
  ['U+202C pop directional formatting', '\u202c'],
  ['U+202D left-to-right override', '\u202d'],
  ['U+202E right-to-left override', '\u202e'],
  ['U+2066 left-to-right isolate', '\u2066'],
  ['U+2067 right-to-left isolate', '\u2067'],
  ['U+2068 first strong isolate', '\u2068'],
  ['U+2069 pop directional isolate', '\u2069'],
  ['U+200E left-to-right mark', '\u200e'],
  ['U+200F right-to-left mark', '\u200f'],
  ['U+00AD soft hyphen', '\u00ad'],
  ['U+200B zero-width space', '\u200b'],
  ['U+200C zero-width non-joiner', '\u200c'],
  ['U+200D zero-width joiner', '\u200d'],
  ['U+2060 word joiner', '\u2060'],
  ['U+FEFF zero-width no-break space', '\ufeff'],
  ['U+061C Arabic letter mark', '\u061c'],
  ['U+180E Mongolian vowel separator', '\u180e'],
  ['U+034F combining grapheme joiner', '\u034f'],
  ['U+FE0F variation selector', '\ufe0f'],
  ['U+3164 Hangul filler', '\u3164'],
  ['U+E0041 tag letter', '\u{e0041}'],
  ['U+00A0 no-break space', '\u00a0'],
];

describe('invisible and bidi characters in addresses', () => {
  it.each(INVISIBLE)('refuses %s in the local part or the domain with 400, storing nothing', async (_what, c) => {
    for (const email of [`ann${c}@example.com`, `ann@exa${c}mple.com`, `"ann${c}"@example.com`]) {
      const res = await t.app.request('/api/subscribe', json({ email }));
      expect(res.status, JSON.stringify(email)).toBe(400);
      expect(((await res.json()) as { error: { code: string; message: string } }).error.message).toMatch(/invisible|direction/);
    }
    expect(await subscribers()).toEqual([]);
  });

  it('refuses them on the admin create and import paths too', async () => {
    const created = await adminApi(t.app, 'POST', '/api/admin/subscribers', { email: 'ann\u202e@example.com' });
    expect(created.status).toBe(400);
    const imported = await importCsv(t.app, 'email\nann\u00ad@example.com\nbob@exam\u200bple.com\ncarl@example.com\n');
    expect(imported.body).toMatchObject({ created: 1, invalid: 2 });
    expect(imported.body.errors.map((e: { reason: string }) => e.reason)).toEqual([expect.stringMatching(/invisible/), expect.stringMatching(/invisible/)]);
    expect(await subscribers()).toEqual([{ email: 'carl@example.com', email_normalized: 'carl@example.com' }]);
  });

  it('still accepts visible non-ASCII letters', async () => {
    expect((await t.app.request('/api/subscribe', json({ email: 'zoë.ñandú@example.com' }))).status).toBe(202);
    expect(await subscribers()).toEqual([{ email: 'zoë.ñandú@example.com', email_normalized: 'zoë.ñandú@example.com' }]);
  });
});

describe('quoted local parts', () => {
  it('treats "ann"@x as the same reader as ann@x, stored unquoted', async () => {
    expect((await t.app.request('/api/subscribe', json({ email: '"Ann"@Example.com' }))).status).toBe(202);
    expect((await t.app.request('/api/subscribe', json({ email: 'ann@example.com' }))).status).toBe(202);
    expect((await t.app.request('/api/subscribe', json({ email: '"a\\nn"@example.com' }))).status).toBe(202);
    expect(await subscribers()).toEqual([{ email: 'Ann@example.com', email_normalized: 'ann@example.com' }]);

    // The admin paths share the parser: the quoted form is the same person, not a new row.
    expect((await adminApi(t.app, 'POST', '/api/admin/subscribers', { email: '"ann"@example.com' })).status).toBe(409);
    const imported = await importCsv(t.app, 'email\n"""ann.b""@example.com"\nann.b@example.com\n');
    expect(imported.body).toMatchObject({ created: 1, invalid: 0 });
    expect((await subscribers()).map((s) => s.email)).toEqual(['Ann@example.com', 'ann.b@example.com']);
  });

  it('keeps a quoted local part that needs its quotes, as validator accepts it today', async () => {
    expect((await t.app.request('/api/subscribe', json({ email: '"ann reader"@example.com' }))).status).toBe(202);
    expect((await t.app.request('/api/subscribe', json({ email: '"a..b"@example.com' }))).status).toBe(202);
    expect((await subscribers()).map((s) => s.email)).toEqual(['"ann reader"@example.com', '"a..b"@example.com']);
    expect((await t.app.request('/api/subscribe', json({ email: '"unclosed@example.com' }))).status).toBe(400);
  });
});
