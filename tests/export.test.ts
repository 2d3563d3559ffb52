import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { neutraliseCell, restoreCell } from '../src/subscribers/csv-cells.js';
import { ADMIN, ADMIN_ENV, adminApi } from './helpers/posts-fixtures.js';
import { addSubscriber, exportCsv, importCsv } from './helpers/subscriber-fixtures.js';
import { createTestContext, manualClock, type TestContext } from './helpers/test-app.js';

let t: TestContext;
beforeEach(async () => {
  t = await createTestContext({ env: ADMIN_ENV, clock: manualClock() });
});
afterEach(async () => t.close());

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const records = (csv: string) => parse(csv, { columns: true, bom: true }) as Record<string, string>[];

describe('GET /api/admin/subscribers/export', () => {
  it('streams RFC 4180 CSV: header, CRLF, quoting of commas and quotes', async () => {
    await addSubscriber(t.app, 'ann@example.com', { name: 'Lee, Ann "the reader"', tags: ['vip', 'press'], attributes: { city: 'Cork' } });
    const res = await exportCsv(t.app);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="subscribers-2026-11-24.csv"');
    const lines = res.text.split('\r\n');
    expect(lines[0]).toBe('id,email,name,status,tags,created_at,confirmed_at,unsubscribed_at,source,consent_basis,attributes');
    expect(lines[1]).toMatch(/^\d+,ann@example\.com,"Lee, Ann ""the reader""",active,"press,vip",2026-11-24T09:00:00\.000Z,2026-11-24T09:00:00\.000Z,,admin,editor,"{""city"":""Cork""}"$/);
    expect(lines[2]).toBe('');
    expect(res.text.startsWith('\uFEFF')).toBe(false);
    // Response.text() drops a BOM, so look at the bytes.
    const withBom = await t.app.request('/api/admin/subscribers/export?bom=1', { headers: ADMIN });
    expect([...new Uint8Array(await withBom.arrayBuffer()).slice(0, 5)]).toEqual([0xef, 0xbb, 0xbf, 0x69, 0x64]);
  });

  it('exports the filtered list, across many pages, each row once', async () => {
    const csv = ['email,tags,status', ...Array.from({ length: 2500 }, (_, i) => `r${i}@example.com,${i % 2 ? 'odd' : 'even'},${i % 5 === 0 ? 'unsubscribed' : ''}`)].join('\n');
    expect((await importCsv(t.app, csv)).body.created).toBe(2500);
    const all = records((await exportCsv(t.app)).text);
    expect(all).toHaveLength(2500);
    expect(new Set(all.map((r) => r.email)).size).toBe(2500);
    const odd = records((await exportCsv(t.app, '?tag=odd&status=active')).text);
    // Odd rows, less the unsubscribed fifth of them.
    expect(odd).toHaveLength(1000);
    expect(odd.every((r) => r.tags === 'odd' && r.status === 'active')).toBe(true);
    const expected = Array.from({ length: 2500 }, (_, i) => `r${i}@example.com`).filter((e) => e.includes('r249'));
    expect(records((await exportCsv(t.app, '?q=r249')).text).map((r) => r.email).sort()).toEqual(expected.sort());
    expect((await exportCsv(t.app, '?status=nope')).status).toBe(400);
  });

  it('neutralises formula cells, and round-trips them safely through import', async () => {
    expect((await importCsv(t.app, fixture('subscribers-formulas.csv'))).body).toMatchObject({ created: 7, invalid: 0 });
    const exported = (await exportCsv(t.app)).text;
    const byEmail = Object.fromEntries(records(exported).map((r) => [r.email, r.name]));
    expect(byEmail).toEqual({
      'f1@example.com': `'=HYPERLINK("http://evil.example","click")`,
      'f2@example.com': "'+1 555 0100",
      'f3@example.com': "'-2+3",
      'f4@example.com': "'@SUM(A1)",
      'f5@example.com': "'=already quoted",
      "'-dash@example.com": 'Plain',
      'f7@example.com': "'just an apostrophe",
    });
    // No cell of the file starts with a formula character.
    for (const record of parse(exported, { bom: true }) as string[][]) for (const cell of record) expect(cell).not.toMatch(/^[=+\-@\t\r]/);

    const before = (await adminApi(t.app, 'GET', '/api/admin/subscribers')).body.subscribers;
    await t.close();
    t = await createTestContext({ env: ADMIN_ENV, clock: manualClock() });
    expect((await importCsv(t.app, exported)).body).toMatchObject({ created: 7, invalid: 0 });
    const after = (await adminApi(t.app, 'GET', '/api/admin/subscribers')).body.subscribers;
    const view = (list: Array<{ email: string; name: string | null; tags: string[] }>) => list.map((s) => [s.email, s.name, s.tags]).sort();
    expect(view(after)).toEqual(view(before));
    expect(after.find((s: { email: string }) => s.email === 'f1@example.com').name).toBe('=HYPERLINK("http://evil.example","click")');
  });

  it('escapes reversibly, tab and carriage return included', () => {
    for (const value of ['=1+1', '+x', '-', '@a', '\tx', '\rx', "'=x", "''+x", "'plain", 'plain', '', "'"]) {
      expect(restoreCell(neutraliseCell(value))).toBe(value);
      expect(neutraliseCell(value)).not.toMatch(/^[=+\-@\t\r]/);
    }
  });
});
