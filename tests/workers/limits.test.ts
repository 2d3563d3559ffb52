import { SELF } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetD1, testEnv } from './d1-reset.js';
import { ADMIN, BASE, createPost, seedReaders, waitForSend } from './fixtures.js';
import { sink, countBy } from './sink.js';

beforeEach(async () => {
  await resetD1();
  await sink.clear();
});

interface ImportAnswer {
  status: number;
  body: {
    created: number;
    updated: number;
    skipped: number;
    invalid: number;
    errors: { line: number; email: string; reason: string }[];
    errors_truncated: boolean;
    error?: { code: string; message: string };
  };
}

async function importCsv(csv: string): Promise<ImportAnswer> {
  const res = await SELF.fetch(`${BASE}/api/admin/subscribers/import`, { method: 'POST', headers: { ...ADMIN, 'content-type': 'text/csv' }, body: csv });
  return { status: res.status, body: (await res.json()) as ImportAnswer['body'] };
}

const count = async (sql: string) => (await testEnv.DB.prepare(sql).first<{ n: number }>())!.n;
const subscribersSnapshot = async () => (await testEnv.DB.prepare('SELECT * FROM subscribers ORDER BY id').all()).results;

/** 5,000 data rows (lines 2–5001); every 250th from the 8th is invalid, in one of three ways. */
function bigCsv(): { csv: string; invalid: { line: number; email: string; reason: RegExp }[] } {
  const lines = ['email,name,status,created_at'];
  const invalid: { line: number; email: string; reason: RegExp }[] = [];
  for (let i = 0; i < 5000; i++) {
    if (i % 250 !== 7) {
      lines.push(`imp${i}@example.org,Reader ${i},,2024-01-01`);
      continue;
    }
    const kind = ((i - 7) / 250) % 3;
    const line = i + 2;
    if (kind === 0) {
      lines.push(`not-an-address-${i},Bad ${i},,`);
      invalid.push({ line, email: `not-an-address-${i}`, reason: /^email is not a valid address$/ });
    } else if (kind === 1) {
      lines.push(`imp${i}@example.org,Bad ${i},sleeping,`);
      invalid.push({ line, email: `imp${i}@example.org`, reason: /status must be one of/ });
    } else {
      lines.push(`imp${i}@example.org,Bad ${i},,2099-01-01`);
      invalid.push({ line, email: `imp${i}@example.org`, reason: /^created_at is in the future$/ });
    }
  }
  return { csv: `${lines.join('\n')}\n`, invalid };
}

describe('D1 limits, end to end', () => {
  it(
    'mails a 5,000-reader send through the queue chain, each reader exactly once',
    async () => {
      await seedReaders(5000, 'many');
      expect(await count('SELECT count(*) AS n FROM subscribers')).toBe(5000);
      const started = Date.now();
      const postId = await createPost('Five thousand');
      const published = await SELF.fetch(`${BASE}/api/admin/posts/${postId}/publish`, { method: 'POST', headers: ADMIN, body: '{}' });
      expect(published.status).toBe(202);
      const { send } = (await published.json()) as { send: { id: number; total: number } };
      expect(send.total).toBe(5000);

      expect(await waitForSend(send.id, 240_000)).toMatchObject({ status: 'done', total: 5000, sent: 5000, failed: 0, skipped: 0 });
      console.info(`5,000-reader send done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      const recipients = await sink.waitForRecipients((r) => r.length >= 5000);
      expect(recipients).toHaveLength(5000);
      const copies = countBy(recipients);
      expect(copies.size).toBe(5000);
      expect([...copies.values()].every((n) => n === 1)).toBe(true);
      expect(copies.has('many0@example.org') && copies.has('many4999@example.org')).toBe(true);
      expect(await count(`SELECT count(*) AS n FROM deliveries WHERE send_id = ${send.id} AND status = 'sent'`)).toBe(5000);
    },
    300_000,
  );

  it(
    'imports a 5,000-row CSV through the HTTP route, reporting invalid rows by line, and exports it back',
    async () => {
      // 100 readers already there: rows for them update (a name is added), the rest create.
      await seedReaders(100, 'imp');
      const { csv, invalid } = bigCsv();
      expect(invalid).toHaveLength(20);
      const res = await importCsv(csv);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      // Valid rows: 4,980; for existing readers 99 (imp7 is an invalid row), created 4,881.
      expect(res.body).toMatchObject({ created: 4881, updated: 99, skipped: 0, invalid: 20, errors_truncated: false });
      expect(res.body.errors).toHaveLength(20);
      res.body.errors.forEach((error, k) => {
        expect(error).toMatchObject({ line: invalid[k]!.line, email: invalid[k]!.email });
        expect(error.reason).toMatch(invalid[k]!.reason);
      });

      expect(await count('SELECT count(*) AS n FROM subscribers')).toBe(4981);
      expect(await count("SELECT count(*) AS n FROM subscribers WHERE source = 'import' AND status = 'active'")).toBe(4881);
      expect(await count("SELECT count(*) AS n FROM subscribers WHERE name LIKE 'Reader %'")).toBe(4980);
      expect(await count("SELECT count(*) AS n FROM subscribers WHERE name LIKE 'Bad %' OR email LIKE 'not-an-address%'")).toBe(0);
      const last = await testEnv.DB.prepare("SELECT name, status, created_at FROM subscribers WHERE email = 'imp4999@example.org'").first();
      expect(last).toEqual({ name: 'Reader 4999', status: 'active', created_at: '2024-01-01T00:00:00.000Z' });
      expect(await count("SELECT count(*) AS n FROM subscribers WHERE email IN ('imp257@example.org', 'imp507@example.org')")).toBe(0);

      // And the export reads them all back through D1 in pages: one line each, and the header.
      const exported = await SELF.fetch(`${BASE}/api/admin/subscribers/export`, { headers: ADMIN });
      expect(exported.status).toBe(200);
      const rows = (await exported.text()).trimEnd().split('\n');
      expect(rows[0]).toMatch(/^id,email,/);
      expect(rows).toHaveLength(4982);
      expect(new Set(rows.slice(1).map((r) => r.split(',')[1])).size).toBe(4981);
    },
    120_000,
  );

  it.each([
    ['an unbalanced quote on line 4,001', (lines: string[]) => (lines[4000] = 'late@example.org,"Late'), /line 4001.*unbalanced quotes/],
    ['a stray quote on line 4,501', (lines: string[]) => (lines[4500] = 'stray@example.org,Ann "the" Lee,,'), /line 4501.*quote appears inside an unquoted field/],
  ])('a 5,000-row CSV with %s imports nothing, not even the rows before it', async (_what, spoil, message) => {
    await seedReaders(10, 'imp');
    const before = await subscribersSnapshot();
    const lines = bigCsv().csv.split('\n');
    spoil(lines);
    const res = await importCsv(lines.join('\n'));
    expect(res.status).toBe(400);
    expect(res.body.error!.code).toBe('invalid');
    expect(res.body.error!.message).toMatch(message);
    expect(await subscribersSnapshot()).toEqual(before);
  });
});
