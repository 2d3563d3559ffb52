import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_ENV, adminApi } from './helpers/posts-fixtures.js';
import { importCsv } from './helpers/subscriber-fixtures.js';
import { createTestContext, type TestContext } from './helpers/test-app.js';

let t: TestContext;
beforeEach(async () => {
  t = await createTestContext({ env: ADMIN_ENV });
});
afterEach(async () => t.close());

// Many rows share a created_at, so the id tie-break is exercised; dates spread over a year.
const csvOf = (prefix: string, count: number, dayOf: (i: number) => number) =>
  ['email,created_at', ...Array.from({ length: count }, (_, i) => `${prefix}${i}@example.com,2026-01-${String(1 + (dayOf(i) % 28)).padStart(2, '0')}`)].join('\n');

async function walk(limit: number, query = '', between: () => Promise<void> = async () => {}) {
  const seen: number[] = [];
  let cursor: string | null = null;
  do {
    const res = await adminApi(t.app, 'GET', `/api/admin/subscribers?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    seen.push(...res.body.subscribers.map((s: { id: number }) => s.id));
    cursor = res.body.next_cursor;
    await between();
  } while (cursor);
  return seen;
}

describe('cursor pagination', () => {
  it('walks every row exactly once, newest first, and ends with next_cursor null', async () => {
    expect((await importCsv(t.app, csvOf('a', 120, (i) => i % 5))).body.created).toBe(120);
    const seen = await walk(7);
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
    const all = await t.deps.db.selectFrom('subscribers').select(['id', 'created_at']).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    expect(seen).toEqual(all.map((r) => r.id));
  });

  it('stays correct while rows are being added concurrently, older and newer than the cursor', async () => {
    await importCsv(t.app, csvOf('start', 200, (i) => i % 9));
    const atStart = (await t.deps.db.selectFrom('subscribers').select('id').execute()).map((r) => r.id);

    let round = 0;
    const insertRound = async () => {
      round++;
      // Old dates land among pages already read and pages still to come; POSTed rows are newest.
      await importCsv(t.app, csvOf(`late${round}-`, 5, (i) => (i * 7 + round) % 28));
      await adminApi(t.app, 'POST', '/api/admin/subscribers', { email: `new${round}@example.com`, status: 'active' });
    };
    // Inserts happen between pages and also concurrently with the page requests.
    let stop = false;
    const background = (async () => {
      while (!stop) await insertRound();
    })();
    const seen = await walk(9, '', insertRound);
    stop = true;
    await background;

    expect(round).toBeGreaterThan(20);
    expect(new Set(seen).size).toBe(seen.length);
    const seenSet = new Set(seen);
    expect(atStart.filter((id) => !seenSet.has(id))).toEqual([]);
  });

  it('paginates filtered lists the same way', async () => {
    await importCsv(t.app, ['email,tags', ...Array.from({ length: 30 }, (_, i) => `t${i}@example.com,${i % 3 === 0 ? 'third' : 'other'}`)].join('\n'));
    const seen = await walk(4, '&tag=third');
    expect(seen).toHaveLength(10);
    expect(new Set(seen).size).toBe(10);
  });
});
