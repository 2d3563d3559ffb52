import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './src/config.js';
import { silentLogger } from './src/log.js';
import { createNodeDeps } from './src/runtime.js';
import { importSubscribers } from './src/subscribers/import/import-subscribers.js';
import { readCsvRecords } from './src/subscribers/import/csv-records.js';
const dir = mkdtempSync(join(tmpdir(), 'prof-'));
const lines = ['email,name,tags,status,created_at'];
for (let i = 0; i < 100000; i++) {
  const status = i % 20 === 0 ? 'unsubscribed' : 'active';
  const tags = i % 3 === 0 ? '"vip,early"' : i % 3 === 1 ? 'press' : '';
  const day = String(1 + (i % 28)).padStart(2, '0');
  lines.push(`reader${i}@example${i % 50}.com,"Reader ${i}, Esq.",${tags},${status},2025-0${1 + (i % 9)}-${day}T10:00:00Z`);
}
const file = join(dir, 'list.csv');
writeFileSync(file, lines.join('\n') + '\n');
let t0 = performance.now();
let n = 0;
for await (const r of readCsvRecords(file)) n++;
console.log('readCsvRecords pass', (performance.now() - t0).toFixed(0), 'ms', n);
const deps = await createNodeDeps(loadConfig({ DATA_DIR: dir, SECRET: 'x'.repeat(40), LOG_LEVEL: 'silent' }), silentLogger);
t0 = performance.now();
const r = await importSubscribers(deps, { path: file });
console.log('import', (performance.now() - t0).toFixed(0), 'ms', r.created);
await deps.db.destroy();
