import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { IMPORT_MAX_BYTES } from '../src/http/routes/subscriber-routes.js';
import { importSubscribers } from '../src/subscribers/import/import-subscribers.js';
import type { ImportScratch } from '../src/subscribers/import/import-scratch.js';
import { createMemoryScratch } from '../src/subscribers/import/memory-scratch.js';
import { ADMIN, ADMIN_ENV } from './helpers/posts-fixtures.js';
import { importCsv } from './helpers/subscriber-fixtures.js';
import { createTestContext, manualClock, type TestContext } from './helpers/test-app.js';

type ScratchKind = 'file' | 'memory';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

/**
 * Runs `act` in a fresh app whose import scratch is the Node default (files) or memory, and
 * returns what it answered, the subscribers it left, and the import's temporary files (null
 * when it never made the directory for them).
 */
async function withScratch<T>(kind: ScratchKind, act: (t: TestContext) => Promise<T>, memory: ImportScratch = createMemoryScratch(IMPORT_MAX_BYTES)) {
  const t = await createTestContext({ env: ADMIN_ENV, clock: manualClock(), deps: kind === 'memory' ? { importScratch: memory } : {} });
  try {
    const answer = await act(t);
    const subscribers = await t.deps.db.selectFrom('subscribers').selectAll().orderBy('id').execute();
    const tmp = join(t.dataDir, 'tmp');
    return { answer, subscribers, temporary: existsSync(tmp) ? readdirSync(tmp) : null };
  } finally {
    await t.close();
  }
}

/** The same import through the file scratch and the memory scratch. */
async function bothWays<T>(act: (t: TestContext) => Promise<T>, memory?: ImportScratch) {
  const file = await withScratch('file', act);
  const inMemory = await withScratch('memory', act, memory);
  // The file scratch cleans up after itself (and makes no directory when refusing before the
  // body); the memory scratch never touches the disk.
  expect(file.temporary ?? []).toEqual([]);
  expect(inMemory.temporary).toBeNull();
  return { file, memory: inMemory };
}

const importing = (csv: string | Uint8Array) => (t: TestContext) => importCsv(t.app, csv);

describe('the memory import scratch against the file one', () => {
  it.each([
    ['subscribers-bom.csv', { created: 2, invalid: 0 }],
    ['subscribers-quoted.csv', { created: 4, invalid: 1 }],
    ['subscribers-invalid-rows.csv', { created: 2, invalid: 5 }],
    ['subscribers-duplicates.csv', { created: 5, updated: 2 }],
    ['subscribers-formulas.csv', { invalid: 0 }],
  ])('imports %s with the same counts, error report and subscribers', async (name, counts) => {
    const { file, memory } = await bothWays(importing(fixture(name)));
    expect(file.answer.status).toBe(200);
    expect(file.answer.body).toMatchObject(counts);
    expect(file.subscribers.length).toBeGreaterThan(0);
    expect(memory.answer.body).toEqual(file.answer.body);
    expect(memory.subscribers).toEqual(file.subscribers);
  });

  it.each([
    ['subscribers-unbalanced.csv', /line 3.*unbalanced quotes/],
    ['subscribers-bad-closing-quote.csv', /line 2.*closing quote/],
    ['subscribers-stray-quote.csv', /line 3.*quote appears inside an unquoted field/],
    ['subscribers-binary.bin', /binary data/],
    ['subscribers-latin1.csv', /not UTF-8/],
  ])('refuses the malformed %s with the same 400, importing nothing', async (name, message) => {
    const { file, memory } = await bothWays(importing(fixture(name)));
    expect(file.answer.status).toBe(400);
    expect(file.answer.body.error.message).toMatch(message);
    expect(memory.answer).toEqual(file.answer);
    expect(file.subscribers).toEqual([]);
    expect(memory.subscribers).toEqual([]);
  });

  it('imports a 5,000-row file, invalid rows among them, alike', async () => {
    const lines = ['email,name,tags,status'];
    for (let i = 0; i < 5000; i++) {
      if (i % 500 === 7) lines.push(`broken-${i},Row ${i},,`);
      else lines.push(`reader${i}@example.com,"Reader, number ${i}",t${i % 3};all,${i % 97 === 0 ? 'unsubscribed' : ''}`);
    }
    const { file, memory } = await bothWays(importing(`${lines.join('\n')}\n`));
    expect(file.answer.body).toMatchObject({ created: 4990, invalid: 10, errors_truncated: false });
    expect(file.answer.body.errors).toHaveLength(10);
    expect(file.answer.body.errors[0]).toEqual({ line: 9, email: 'broken-7', reason: 'email is not a valid address' });
    expect(file.subscribers).toHaveLength(4990);
    expect(memory.answer.body).toEqual(file.answer.body);
    expect(memory.subscribers).toEqual(file.subscribers);
  });

  it('answers a declared Content-Length over the limit with the same 413', async () => {
    const { file, memory } = await bothWays(async (t) => {
      const res = await t.app.request('/api/admin/subscribers/import', {
        method: 'POST',
        headers: { ...ADMIN, 'content-type': 'text/csv', 'content-length': String(IMPORT_MAX_BYTES + 1) },
        body: 'email\na@example.com\n',
      });
      return { status: res.status, body: await res.json() };
    });
    expect(file.answer).toEqual({ status: 413, body: { error: expect.objectContaining({ code: 'payload_too_large', message: 'The file must be at most 100 MB' }) } });
    expect(memory.answer).toEqual(file.answer);
    expect(memory.subscribers).toEqual([]);
  });

  it('stops a streamed body at the limit with the same error, importing nothing', async () => {
    const rows = ['email\n', ...Array.from({ length: 100 }, (_, i) => `r${i}@example.com\n`)];
    const { file, memory } = await bothWays((t) => importSubscribers(t.deps, { stream: Readable.from(rows) }, { maxBytes: 500 }).catch((error: unknown) => error));
    expect(file.answer).toMatchObject({ code: 'payload_too_large', message: 'The file must be at most 0 MB' });
    expect(memory.answer).toEqual(file.answer);
    expect(file.subscribers).toEqual([]);
    expect(memory.subscribers).toEqual([]);
  });

  it("holds a memory scratch's own, lower limit for a streamed request body", async () => {
    const MB = 1024 * 1024;
    const memory = createMemoryScratch(MB);
    const body = `email\n${'reader@example.com\n'.repeat(Math.ceil((2 * MB) / 19))}`;
    const { answer, subscribers, temporary } = await withScratch(
      'memory',
      async (t) => {
        const chunks = new TextEncoder().encode(body);
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            for (let i = 0; i < chunks.length; i += 64 * 1024) controller.enqueue(chunks.subarray(i, i + 64 * 1024));
            controller.close();
          },
        });
        const res = await t.app.request('/api/admin/subscribers/import', { method: 'POST', headers: { ...ADMIN, 'content-type': 'text/csv' }, body: stream, duplex: 'half' } as RequestInit);
        return { status: res.status, body: await res.json() };
      },
      memory,
    );
    expect(answer).toEqual({ status: 413, body: { error: expect.objectContaining({ code: 'payload_too_large', message: 'The file must be at most 1 MB' }) } });
    expect(subscribers).toEqual([]);
    expect(temporary).toBeNull();
  });
});
