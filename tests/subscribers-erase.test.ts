import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_ENV, adminApi } from './helpers/posts-fixtures.js';
import { memberLinks } from '../src/subscriptions/member-links.js';
import { addSubscriber, exportCsv, importCsv } from './helpers/subscriber-fixtures.js';
import { onPostgres } from './helpers/test-database.js';
import { createTestContext, json, type TestContext } from './helpers/test-app.js';

let t: TestContext;
beforeEach(async () => {
  t = await createTestContext({ env: ADMIN_ENV });
});
afterEach(async () => t.close());

const api = (method: string, path: string, body?: unknown) => adminApi(t.app, method, path, body);
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Every text cell of every table, so erasure is checked where data could hide, today and later. */
async function everyCell(): Promise<string> {
  // Kysely's introspection lists tables on either database; on PostgreSQL those of every schema,
  // so keep the test's own (the suite's other tests have theirs in the same database).
  const current = onPostgres ? (await sql<{ s: string }>`select current_schema() as s`.execute(t.deps.db)).rows[0]!.s : undefined;
  const tables = (await t.deps.db.introspection.getTables()).filter((table) => current === undefined || table.schema === current);
  const cells: string[] = [];
  for (const { name } of tables) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(t.deps.db);
    for (const row of rows.rows) cells.push(...Object.values(row).map((v) => String(v)));
  }
  return cells.join('\n').toLowerCase();
}

describe('DELETE /api/admin/subscribers/:id (erasure)', () => {
  it('removes the person from every table and the export', async () => {
    const res = await t.app.request('/api/subscribe', json({ email: 'Erin.Private@Example.com', name: 'Erin Private' }, { 'x-forwarded-for': '198.51.100.23', 'user-agent': 'ErinBrowser/1' }));
    expect(res.status).toBe(202);
    await t.drain();
    const [erin] = (await api('GET', '/api/admin/subscribers?q=erin')).body.subscribers;
    await api('PATCH', `/api/admin/subscribers/${erin.id}`, { tags: ['erins-tag'], attributes: { phone: '+353 1 555 0199' } });
    await addSubscriber(t.app, 'keep@example.com', { name: 'Keeper' });
    await t.deps.db.insertInto('bounce_events').values({ subscriber_id: erin.id, provider: 'ses', kind: 'soft', detail: 'mailbox full for erin.private@example.com', occurred_at: '2026-01-01T00:00:00.000Z', created_at: '2026-01-01T00:00:00.000Z' }).execute();
    const before = await everyCell();
    expect(before).toContain('erin.private@example.com');
    expect(before).toContain('198.51.100.23');

    const erased = await api('DELETE', `/api/admin/subscribers/${erin.id}`);
    expect(erased.status).toBe(200);
    expect(erased.body).toEqual({ id: erin.id, erased: true, suppression_kept: false });

    const after = await everyCell();
    for (const trace of ['erin.private', 'erin private', '198.51.100.23', 'erinbrowser', 'erins-tag', '555 0199', sha256('erin.private@example.com')]) {
      expect(after).not.toContain(trace);
    }
    expect(after).toContain('keep@example.com');
    expect((await exportCsv(t.app)).text.toLowerCase()).not.toContain('erin');
    expect((await api('GET', `/api/admin/subscribers/${erin.id}`)).status).toBe(404);
    expect((await api('DELETE', `/api/admin/subscribers/${erin.id}`)).status).toBe(404);
  });

  it('keeps only a hash on the suppression list for a bounced or complained address, which still blocks it', async () => {
    const bounced = await addSubscriber(t.app, 'Bounced@Example.com');
    await t.deps.db.updateTable('subscribers').set({ status: 'bounced' }).where('id', '=', bounced.id).execute();
    const complained = await addSubscriber(t.app, 'angry@example.com');
    await t.deps.db.updateTable('subscribers').set({ status: 'complained' }).where('id', '=', complained.id).execute();
    await api('POST', '/api/admin/suppressions', { value: 'angry@example.com', reason: 'complaint' });

    expect((await api('DELETE', `/api/admin/subscribers/${bounced.id}`)).body.suppression_kept).toBe(true);
    expect((await api('DELETE', `/api/admin/subscribers/${complained.id}`)).body.suppression_kept).toBe(true);

    const cells = await everyCell();
    expect(cells).not.toContain('bounced@example.com');
    expect(cells).not.toContain('angry@example.com');
    const list = (await api('GET', '/api/admin/suppressions')).body.suppressions;
    expect(list).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'address', value: null, hash: sha256('bounced@example.com'), reason: 'bounce' }),
        expect.objectContaining({ kind: 'address', value: null, hash: sha256('angry@example.com'), reason: 'complaint' }),
      ]),
    );
    expect(list).toHaveLength(2);

    // The hash still blocks every way back in, and the lookup by value finds it.
    expect((await api('POST', '/api/admin/subscribers', { email: 'bounced@example.com' })).status).toBe(422);
    expect((await t.app.request('/api/subscribe', json({ email: 'BOUNCED@example.com' }))).status).toBe(202);
    expect((await api('GET', '/api/admin/subscribers')).body.subscribers).toEqual([]);
    expect((await api('GET', '/api/admin/suppressions?value=Angry@Example.com')).body.suppressions).toHaveLength(1);
    await t.drain();
    expect(t.smtp.messages).toHaveLength(0);
  });

  it('keeps the hash of a reader who had unsubscribed, so re-importing an old list cannot make them active again', async () => {
    const ann = await addSubscriber(t.app, 'Ann.Left@Example.com');
    const { unsubscribe_url } = memberLinks('', t.deps.tokens, ann.id);
    expect((await t.app.request(unsubscribe_url, { method: 'POST' })).status).toBe(200);

    const erased = await api('DELETE', `/api/admin/subscribers/${ann.id}`);
    expect(erased.body).toEqual({ id: ann.id, erased: true, suppression_kept: true });
    expect(await everyCell()).not.toContain('ann.left@example.com');
    expect((await api('GET', '/api/admin/suppressions')).body.suppressions).toEqual([
      expect.objectContaining({ kind: 'address', value: null, hash: sha256('ann.left@example.com') }),
    ]);

    const imported = await importCsv(t.app, 'email,status\nann.left@example.com,active\n');
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ created: 0, skipped: 1 });
    expect((await api('GET', '/api/admin/subscribers')).body.subscribers).toEqual([]);
    await t.drain();
    expect(t.smtp.messages).toHaveLength(0);
  });
});
