/**
 * The subscribe endpoint under load: the real server (`src/server.ts`, worker included) in a
 * child process, driven by autocannon from another process over 127.0.0.1. GET /health on the
 * same server is the baseline measured in the same run.
 */
import SQLite from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { productionServerCommand, startServer } from '../tests/helpers/server-process.js';
import { autocannon, type LoadOptions } from './helpers/autocannon.js';
import { coreCount, measureCpu } from './helpers/cpu.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 10;

// Outbox mail: the worker renders and writes every confirmation while the load runs, as it would
// in production, so its cost is part of what is measured.
// As `npm start` runs it: the built server (npm ci builds dist/; after edits, npm run build).
const server = await startServer({ env: { SUBSCRIBE_RATE_LIMIT: '0', LOG_LEVEL: 'warn' }, command: productionServerCommand() });
try {
  const pgid = server.child.pid!;
  const health: LoadOptions = { url: `${server.url}/health`, seconds: SECONDS, connections: CONNECTIONS };
  const subscribe: LoadOptions = {
    url: `${server.url}/api/subscribe`,
    seconds: SECONDS,
    connections: CONNECTIONS,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'reader-[<id>]@bench.example.com', name: 'Bench Reader' }),
  };
  // Warm both paths (JIT, SQLite page cache, template compile) before measuring either.
  await autocannon({ ...health, seconds: 2 });
  await autocannon({ ...subscribe, seconds: 2 });

  const baseline = await measureCpu(pgid, () => autocannon(health));
  const db = new SQLite(join(server.dataDir, 'broadsheet.db'), { readonly: true });
  const count = (where: string) => (db.prepare(`select count(*) as n from mail_queue where kind = 'confirm' ${where}`).get() as { n: number }).n;
  const before = count('');
  const load = await measureCpu(pgid, () => autocannon(subscribe));
  const queued = count('') - before;
  const sent = count(`and status = 'sent'`);
  db.close();

  const r = load.result;
  const perRequestUs = (cpuMs: number | undefined, requests: number) => (cpuMs === undefined ? null : Math.round((cpuMs * 1000) / requests));
  console.log(
    JSON.stringify({
      bench: 'subscribe',
      rps: r.rps,
      p50_ms: r.p50_ms,
      p99_ms: r.p99_ms,
      requests: r.requests,
      non2xx: r.non2xx,
      errors: r.errors,
      baseline_rps: baseline.result.rps,
      baseline_p99_ms: baseline.result.p99_ms,
      ratio: Number((r.rps / baseline.result.rps).toFixed(3)),
      server_cpu_us_per_req: perRequestUs(load.serverCpuMs, r.requests),
      baseline_server_cpu_us_per_req: perRequestUs(baseline.serverCpuMs, baseline.result.requests),
      // Confirmations are rows for the worker, not SMTP work inside the request.
      confirmations_queued: queued,
      confirmations_sent_during_run: sent,
      machine_busy_pct: load.machineBusyPct ?? null,
      cores: coreCount(),
      connections: CONNECTIONS,
      seconds: SECONDS,
      target: { rps: 3000, p99_ms: 20 },
      target_met: r.rps >= 3000 && r.p99_ms < 20 && r.non2xx === 0 && r.errors === 0,
    }),
  );
} finally {
  await server.stop();
  rmSync(server.dataDir, { recursive: true, force: true });
}
