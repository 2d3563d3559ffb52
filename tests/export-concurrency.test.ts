import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import { createNodeDeps } from '../src/runtime.js';
import { ADMIN, ADMIN_ENV } from './helpers/posts-fixtures.js';
import { seedActiveReaders } from './helpers/sending-fixtures.js';
import { startServer, type ServerProcess } from './helpers/server-process.js';
import { withTestDatabase } from './helpers/test-database.js';

const READERS = 100_000;
let server: ServerProcess | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await server?.stop('SIGKILL');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  server = dataDir = undefined;
});

it('while a large CSV export streams, the server keeps answering: /health comes back before the export ends', async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'broadsheet-export-'));
  const deps = await createNodeDeps(loadConfig(withTestDatabase({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' })), silentLogger);
  await deps.db.transaction().execute((trx) => seedActiveReaders({ db: trx }, READERS));
  await deps.db.destroy();
  // A server in its own process, read by a client that keeps up: the socket never pushes back,
  // so only the export itself can give other requests their turn.
  server = await startServer({ dataDir, env: ADMIN_ENV });

  const events: string[] = [];
  const res = await fetch(`${server.url}/api/admin/subscribers/export`, { headers: ADMIN });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  let bytes = (await reader.read()).value!.length;
  const health = fetch(`${server.url}/health`).then((r) => events.push(`health ${r.status}`));
  let lines = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    for (const byte of value) if (byte === 10) lines++;
  }
  events.push('export done');
  await health;
  expect(events).toEqual(['health 200', 'export done']);
  expect(bytes).toBeGreaterThan(READERS * 50);
  // Every reader arrived (the first chunk held the header and some rows; counted roughly above).
  expect(lines).toBeGreaterThan(READERS - 2000);
}, 120_000);
