import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { loadConfig } from './src/config.js';
import { silentLogger } from './src/log.js';
import { createNodeDeps } from './src/runtime.js';
import { importSubscribers } from './src/subscribers/import/import-subscribers.js';
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
const sqlite = new SQLite(join(dir, 'b.db'));
sqlite.pragma('journal_mode = WAL'); sqlite.pragma('synchronous = NORMAL'); sqlite.pragma('foreign_keys = ON'); sqlite.pragma('cache_size = -32000');
const stats = new Map<string, [number, number]>();
const db = new Kysely<any>({ dialect: new SqliteDialect({ database: sqlite }), log(e) { if (e.level === 'query') { const k = e.query.sql.slice(0, 60); const s = stats.get(k) ?? [0, 0]; s[0]++; s[1] += e.queryDurationMillis; stats.set(k, s); } } });
const deps = await createNodeDeps(loadConfig({ DATA_DIR: dir, SECRET: 'x'.repeat(40), LOG_LEVEL: 'silent' }), silentLogger, { db });
stats.clear();
const c0 = process.cpuUsage(); const t0 = performance.now();
const r = await importSubscribers(deps, { path: file });
{ const c = process.cpuUsage(c0); console.log('import', (performance.now() - t0).toFixed(0), 'ms wall', ((c.user + c.system) / 1000).toFixed(0), 'ms cpu', r.created); }
for (const [k, [n, ms]] of [...stats].sort((a, b) => b[1][1] - a[1][1])) console.log(n, ms.toFixed(0), k);
await db.destroy();
