import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importSubscribers } from '../src/subscribers/import/import-subscribers.js';
import { ADMIN, ADMIN_ENV, adminApi } from './helpers/posts-fixtures.js';
import { addSubscriber, importCsv } from './helpers/subscriber-fixtures.js';
import { createTestContext, manualClock, type TestContext } from './helpers/test-app.js';

let t: TestContext;
const clock = manualClock();
beforeEach(async () => {
  clock.set(new Date('2026-11-24T09:00:00.000Z'));
  t = await createTestContext({ env: ADMIN_ENV, clock });
});
afterEach(async () => t.close());

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const rows = () => t.deps.db.selectFrom('subscribers').selectAll().orderBy('id').execute();
const byEmail = async (email: string) => {
  const list = await adminApi(t.app, 'GET', `/api/admin/subscribers?q=${encodeURIComponent(email)}`);
  return list.body.subscribers.find((s: { email: string }) => s.email.toLowerCase() === email.toLowerCase());
};

describe('POST /api/admin/subscribers/import', () => {
  it('reads UTF-8 with a BOM, CRLF lines, columns in any order and any case', async () => {
    const res = await importCsv(t.app, fixture('subscribers-bom.csv'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 2, updated: 0, skipped: 0, invalid: 0, errors: [], ignored_columns: [] });
    expect(await byEmail('ann@example.com')).toMatchObject({
      name: 'Lee, Ann',
      status: 'active',
      tags: ['press', 'vip'],
      source: 'import',
      consent: { basis: 'editor', at: '2026-11-24T09:00:00.000Z' },
      created_at: '2024-03-01T00:00:00.000Z',
    });
    expect(await byEmail('BOB@example.com')).toMatchObject({ email: 'BOB@example.com', status: 'active', created_at: '2024-03-02T08:00:00.000Z' });
  });

  it('handles quoted commas, doubled quotes and line breaks inside quotes, with exact line numbers', async () => {
    const res = await importCsv(t.app, fixture('subscribers-quoted.csv'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 4, invalid: 1, ignored_columns: ['note'] });
    // Line 1 header, 2-4 Ann (two breaks inside quotes), 5 blank, 6 Bob, 7 Carol, 8-9 the bad row.
    expect(res.body.errors).toEqual([{ line: 8, email: 'not-an-address', reason: 'email is not a valid address' }]);
    expect(await byEmail('ann@example.com')).toMatchObject({ name: 'Ann "the reader" Lee', tags: ['vip'] });
    expect(await byEmail('erin@example.com')).toMatchObject({ tags: ['a', 'b'] });
  });

  it.each([
    ['subscribers-unbalanced.csv', /line 3.*unbalanced quotes/],
    ['subscribers-bad-closing-quote.csv', /line 2.*closing quote/],
    ['subscribers-stray-quote.csv', /line 3.*quote appears inside an unquoted field/],
    ['subscribers-binary.bin', /binary data/],
    ['subscribers-latin1.csv', /not UTF-8/],
  ])('refuses the malformed file %s with a clear 400 and imports nothing', async (name, message) => {
    await addSubscriber(t.app, 'ann@example.com', { name: 'Before' });
    const before = await rows();
    const res = await importCsv(t.app, fixture(name));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid');
    expect(res.body.error.message).toMatch(message);
    expect(await rows()).toEqual(before);
    expect(readdirSync(join(t.dataDir, 'tmp'))).toEqual([]);
  });

  it('refuses a file without a usable header, an empty body and a JSON body', async () => {
    expect((await importCsv(t.app, 'name,tags\nAnn,vip\n')).body.error.message).toContain('email column');
    expect((await importCsv(t.app, 'email,EMAIL\na@example.com,b@example.com\n')).body.error.message).toContain('twice');
    expect((await importCsv(t.app, '')).status).toBe(400);
    const json = await t.app.request('/api/admin/subscribers/import', { method: 'POST', headers: { ...ADMIN, 'content-type': 'application/json' }, body: '{"email":"a@example.com"}' });
    expect(json.status).toBe(400);
    expect(await rows()).toEqual([]);
  });

  it('accepts a header-only file and reports zero counts', async () => {
    expect((await importCsv(t.app, 'email,name\r\n')).body).toMatchObject({ created: 0, updated: 0, skipped: 0, invalid: 0 });
  });

  it('reports invalid rows with line numbers and reasons, and imports the rest', async () => {
    const res = await importCsv(t.app, fixture('subscribers-invalid-rows.csv'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 2, invalid: 5 });
    expect(res.body.errors).toEqual([
      { line: 3, email: 'bad-address', reason: 'email is not a valid address' },
      { line: 4, email: 'ok2@example.com', reason: expect.stringContaining('status must be one of') },
      { line: 5, email: 'ok3@example.com', reason: expect.stringContaining('ISO 8601') },
      { line: 6, email: 'ok4@example.com', reason: 'created_at is in the future' },
      { line: 7, email: 'ok5@example.com', reason: 'expected 4 fields as in the header, found 5' },
    ]);
    expect((await rows()).map((r) => r.email)).toEqual(['ok1@example.com', 'ok6@example.com']);
  });

  it('merges duplicates case-insensitively, in the file and with existing subscribers', async () => {
    await addSubscriber(t.app, 'Carol@Example.com', { name: 'Carol', tags: ['old'] });
    await addSubscriber(t.app, 'dave@example.com');
    const res = await importCsv(t.app, fixture('subscribers-duplicates.csv'));
    expect(res.status).toBe(200);
    // ann: created, then merged (tag b); bob: created, then merged (tag c); carol: renamed;
    // dave: already so (skipped); erin: created unsubscribed.
    expect(res.body).toMatchObject({ created: 3, updated: 3, skipped: 1, invalid: 0 });
    expect(await byEmail('ann@example.com')).toMatchObject({ name: 'Ann', tags: ['a', 'b'], status: 'active' });
    expect(await byEmail('bob@example.com')).toMatchObject({ tags: ['c'] });
    expect(await byEmail('carol@example.com')).toMatchObject({ email: 'Carol@example.com', name: 'Carol New', tags: ['old'] });
    expect(await byEmail('erin@example.com')).toMatchObject({ status: 'unsubscribed', unsubscribed_at: '2026-11-24T09:00:00.000Z' });
    expect(await rows()).toHaveLength(5);

    const again = await importCsv(t.app, fixture('subscribers-duplicates.csv'));
    expect(again.body).toMatchObject({ created: 0, updated: 0, skipped: 7 });
  });

  it('never re-activates an unsubscribed, bounced or complained reader, but may make them leave', async () => {
    for (const [email, status] of [['u@example.com', 'unsubscribed'], ['b@example.com', 'bounced'], ['c@example.com', 'complained'], ['p@example.com', 'pending'], ['a@example.com', 'active']] as const) {
      const s = await addSubscriber(t.app, email);
      await t.deps.db.updateTable('subscribers').set({ status }).where('id', '=', s.id).execute();
    }
    const res = await importCsv(t.app, 'email,status\nu@example.com,active\nb@example.com,\nc@example.com,pending\np@example.com,active\na@example.com,unsubscribed\n');
    expect(res.body).toMatchObject({ created: 0, updated: 2, skipped: 3 });
    const statuses = Object.fromEntries((await rows()).map((r) => [r.email, r.status]));
    expect(statuses).toEqual({ 'u@example.com': 'unsubscribed', 'b@example.com': 'bounced', 'c@example.com': 'complained', 'p@example.com': 'active', 'a@example.com': 'unsubscribed' });
  });

  it('skips suppressed addresses and domains', async () => {
    await adminApi(t.app, 'POST', '/api/admin/suppressions', { value: 'gone@example.com' });
    await adminApi(t.app, 'POST', '/api/admin/suppressions', { value: 'blocked.example' });
    const res = await importCsv(t.app, 'email\nGONE@example.com\nx@blocked.example\nok@example.com\n');
    expect(res.body).toMatchObject({ created: 1, skipped: 2 });
    expect((await rows()).map((r) => r.email)).toEqual(['ok@example.com']);
  });

  it('with double_opt_in, adds new readers as pending and mails each a confirmation', async () => {
    await addSubscriber(t.app, 'known@example.com');
    const res = await importCsv(t.app, 'email,status\nnew1@example.com,\nnew2@example.com,active\nleft@example.com,unsubscribed\nknown@example.com,\n', '?double_opt_in=true');
    expect(res.body).toMatchObject({ created: 3, skipped: 1, confirmations_queued: 2 });
    const statuses = Object.fromEntries((await rows()).map((r) => [r.email, [r.status, r.consent_basis]]));
    expect(statuses).toMatchObject({ 'new1@example.com': ['pending', 'double_opt_in'], 'left@example.com': ['unsubscribed', 'double_opt_in'], 'known@example.com': ['active', 'editor'] });
    await t.drain();
    await t.smtp.waitFor(2);
    expect(t.smtp.messages.map((m) => m.envelope.to[0]).sort()).toEqual(['new1@example.com', 'new2@example.com']);
    expect(t.smtp.messages[0]!.parsed.subject).toContain('Confirm');
  });

  it('streams a body over 50 MB without holding it in memory', async () => {
    const ROWS = 11_000;
    const note = 'x'.repeat(5000);
    let i = -1;
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (i === ROWS) return controller.close();
        controller.enqueue(encoder.encode(i === -1 ? 'email,note\n' : `big${i}@example.com,${note}\n`));
        i++;
      },
    });
    let peak = 0;
    const base = process.memoryUsage();
    const sample = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.heapUsed + m.arrayBuffers - base.heapUsed - base.arrayBuffers);
    }, 5);
    const res = await t.app.request('/api/admin/subscribers/import', { method: 'POST', headers: { ...ADMIN, 'content-type': 'text/csv' }, body, duplex: 'half' } as RequestInit);
    clearInterval(sample);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ created: ROWS, invalid: 0, ignored_columns: ['note'] });
    // The body is 55 MB: holding it (or its rows) would show here.
    expect(peak).toBeLessThan(40e6);
    expect(readdirSync(join(t.dataDir, 'tmp'))).toEqual([]);
  });
});

describe('import size limit', () => {
  it('answers 413 to a declared Content-Length over 100 MB, before reading the body', async () => {
    const res = await t.app.request('/api/admin/subscribers/import', {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'text/csv', 'content-length': String(101 * 1024 * 1024) },
      body: 'email\na@example.com\n',
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    expect(await rows()).toEqual([]);
  });

  it('stops a streamed body at the limit, importing nothing and leaving no temporary file', async () => {
    const body = Readable.from(['email\n', ...Array.from({ length: 100 }, (_, i) => `r${i}@example.com\n`)]);
    await expect(importSubscribers(t.deps, { stream: body }, { maxBytes: 500 })).rejects.toMatchObject({ code: 'payload_too_large' });
    expect(await rows()).toEqual([]);
    expect(readdirSync(join(t.dataDir, 'tmp'))).toEqual([]);
  });
});
