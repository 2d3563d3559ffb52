/**
 * Imports a 100 000-row CSV through the HTTP API of a real server (a child process running
 * src/server.ts), exports it again, and times list pages at 100 000 subscribers. Baselines from
 * the same run: csv-parse alone over the same file, a raw better-sqlite3 batch insert of the
 * same rows, a raw select + csv-stringify, and GET /health for request latency.
 */
import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import SQLite from 'better-sqlite3';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import { productionServerCommand, startServer } from '../tests/helpers/server-process.js';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const KEY = 'bench-admin-key-0123456789abcdef';
const auth = { authorization: `Bearer ${KEY}` };
const work = mkdtempSync(join(tmpdir(), 'broadsheet-bench-import-'));
const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;
const round = (n: number) => Math.round(n);

// A list as another platform would export it: mixed statuses, tags, dates, some quoting.
const file = join(work, 'list.csv');
const lines = ['email,name,tags,status,created_at'];
for (let i = 0; i < ROWS; i++) {
  const status = i % 20 === 0 ? 'unsubscribed' : 'active';
  const tags = i % 3 === 0 ? '"vip,early"' : i % 3 === 1 ? 'press' : '';
  const day = String(1 + (i % 28)).padStart(2, '0');
  lines.push(`reader${i}@example${i % 50}.com,"Reader ${i}, Esq.",${tags},${status},2025-0${1 + (i % 9)}-${day}T10:00:00Z`);
}
writeFileSync(file, `${lines.join('\n')}\n`);
const megabytes = statSync(file).size / 1e6;

async function baselineParse(): Promise<number> {
  const start = process.hrtime.bigint();
  let n = 0;
  for await (const _ of createReadStream(file).pipe(parse({ bom: true }))) n++;
  return (n - 1) / seconds(start);
}

function baselineInsert(): number {
  const db = new SQLite(join(work, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('create table s (id integer primary key, email text not null, email_normalized text not null unique, name text, status text not null, created_at text not null)');
  const insert = db.prepare('insert into s (email, email_normalized, name, status, created_at) values (?, ?, ?, ?, ?)');
  const rows = lines.slice(1).map((l, i) => [`reader${i}@example${i % 50}.com`, `reader${i}@example${i % 50}.com`, `Reader ${i}`, 'active', l.slice(-20)]);
  const start = process.hrtime.bigint();
  db.transaction(() => {
    for (const r of rows) insert.run(...r);
  })();
  const rate = rows.length / seconds(start);
  db.close();
  return rate;
}

function baselineExport(dbFile: string): number {
  const db = new SQLite(dbFile, { readonly: true });
  const start = process.hrtime.bigint();
  const rows = db.prepare('select id, email, name, status, created_at from subscribers order by created_at desc, id desc').raw().all() as unknown[][];
  const csv = stringify(rows, { record_delimiter: 'windows' });
  const rate = rows.length / seconds(start);
  db.close();
  return csv.length > 0 ? rate : 0;
}

/**
 * CPU seconds used so far by a process and its descendants (Linux /proc): unlike wall time, this
 * hardly moves when other work shares the machine.
 */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const own = (Number(fields[11]) + Number(fields[12])) / 100;
    const children = readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
    return own + children.reduce((sum, child) => sum + cpuSeconds(child), 0);
  } catch {
    return 0;
  }
}

async function latency(url: string, count = 200): Promise<{ p50_ms: number; p95_ms: number }> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    const res = await fetch(url, { headers: auth });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    times.push(seconds(start) * 1000);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => Number(times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(2));
  return { p50_ms: at(0.5), p95_ms: at(0.95) };
}

async function importOnce(url: string, pid: number) {
  const cpu = cpuSeconds(pid);
  const start = process.hrtime.bigint();
  const res = await fetch(`${url}/api/admin/subscribers/import`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'text/csv' },
    body: Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>,
    duplex: 'half',
  } as RequestInit);
  const body = (await res.json()) as Record<string, number>;
  if (res.status !== 200) throw new Error(`import: HTTP ${res.status} ${JSON.stringify(body)}`);
  return { seconds: seconds(start), cpuSeconds: cpuSeconds(pid) - cpu, body };
}

const parseRate = await baselineParse();
const insertRate = baselineInsert();
const server = await startServer({ env: { ADMIN_API_KEY: KEY, LOG_LEVEL: 'warn', SUBSCRIBE_RATE_LIMIT: '0' }, command: productionServerCommand() });
try {
  const pid = server.child.pid!;
  const first = await importOnce(server.url, pid);
  console.log(
    JSON.stringify({
      bench: 'import',
      via: 'HTTP POST /api/admin/subscribers/import to a server child process',
      rows: ROWS,
      mb: Number(megabytes.toFixed(1)),
      seconds: Number(first.seconds.toFixed(2)),
      server_cpu_seconds: Number(first.cpuSeconds.toFixed(2)),
      rows_per_s: round(ROWS / first.seconds),
      created: first.body.created,
      baseline_csv_parse_rows_per_s: round(parseRate),
      baseline_sqlite_insert_rows_per_s: round(insertRate),
      target_met: first.seconds < 5 && first.body.created === ROWS,
    }),
  );

  const again = await importOnce(server.url, pid);
  console.log(
    JSON.stringify({
      bench: 'import_existing',
      rows: ROWS,
      seconds: Number(again.seconds.toFixed(2)),
      server_cpu_seconds: Number(again.cpuSeconds.toFixed(2)),
      rows_per_s: round(ROWS / again.seconds),
      skipped: again.body.skipped,
    }),
  );

  const exportCpu = cpuSeconds(pid);
  const start = process.hrtime.bigint();
  const res = await fetch(`${server.url}/api/admin/subscribers/export`, { headers: auth });
  let bytes = 0;
  let exported = -1;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (const b of chunk) if (b === 10) exported++;
  }
  const exportSeconds = seconds(start);
  console.log(
    JSON.stringify({
      bench: 'export',
      rows: exported,
      mb: Number((bytes / 1e6).toFixed(1)),
      seconds: Number(exportSeconds.toFixed(2)),
      server_cpu_seconds: Number((cpuSeconds(pid) - exportCpu).toFixed(2)),
      rows_per_s: round(exported / exportSeconds),
      baseline_sqlite_select_stringify_rows_per_s: round(baselineExport(join(server.dataDir, 'broadsheet.db'))),
      target_met: exported === ROWS && exported / exportSeconds >= ROWS / first.seconds,
    }),
  );

  const list = `${server.url}/api/admin/subscribers`;
  const health = await latency(`${server.url}/health`);
  const firstPage = await latency(`${list}?limit=50`);
  // A page far down the list: walk 20 pages of 1000 in, then time the next page of 50.
  let cursor = '';
  for (let i = 0; i < 20; i++) {
    const page = (await (await fetch(`${list}?limit=1000${cursor}`, { headers: auth })).json()) as { next_cursor: string };
    cursor = `&cursor=${page.next_cursor}`;
  }
  const deepPage = await latency(`${list}?limit=50${cursor}`);
  const byStatus = await latency(`${list}?limit=50&status=active`);
  const rareStatus = await latency(`${list}?limit=50&status=unsubscribed`);
  const byTag = await latency(`${list}?limit=50&tag=press`);
  const search = await latency(`${list}?limit=50&q=reader9999`, 50);
  console.log(
    JSON.stringify({
      bench: 'list_page',
      subscribers: ROWS,
      first_page: firstPage,
      page_after_20000_rows: deepPage,
      status_active: byStatus,
      status_unsubscribed: rareStatus,
      tag_filter: byTag,
      search_full_scan: search,
      baseline_health: health,
    }),
  );
} finally {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
  rmSync(server.dataDir, { recursive: true, force: true });
}
