/**
 * Fan-out on PostgreSQL with 1, 2 and 3 `broadsheet worker` processes sharing one send, against
 * one SMTP sink process; ~60 KB messages. Per worker count: a fresh post published through the
 * admin API (the built app in this process), then W workers started from dist/ and the rate
 * taken at the sink, from its first to its last message. The sink counts copies per reader, so
 * every line says how many readers got none and how many got more than one.
 *
 * Baseline in the same run, to the same sink: plain pooled nodemailer (bench/raw-nodemailer.ts)
 * composing the very same mail (the product's test copy of the post, captured at the sink).
 *
 * Env: FANOUT_PG_N (readers, 10000: ~20-35 s per worker count at the 300-460 msgs/s measured on
 * this shared 2-core machine), FANOUT_PG_WORKERS (1,2,3), FANOUT_PG_BASELINE_N (5000: the
 * baseline's copies; its rate does not depend on the count),
 * FANOUT_BODY_BYTES (21000 of Markdown make a ~60 KB mail), FANOUT_CONCURRENCY (8 per worker,
 * and the baseline's connections), FANOUT_PG_ANALYZE (0; 1 runs ANALYZE deliveries after
 * publishing, before the workers start), BENCH_POSTGRES_URL (postgres://postgres@127.0.0.1:5432/test).
 *
 * Why ANALYZE is there: until autovacuum has analyzed `deliveries`, PostgreSQL estimates a fresh
 * send at one pending row. The claim as `id IN (... LIMIT n)` was then planned as a nested loop
 * running the subquery once per pending row (one claim of 200 took 117 s at 300k pending rows);
 * the claim in a materialised CTE does not care. With 1, a claim regression of that kind can be
 * told apart from the cost of adding workers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { runRawNodemailer, startWorkerProcess, type WorkerProcess } from './helpers/children.js';
import { coreCount, machineCpuMs } from './helpers/cpu.js';
import { essay } from './helpers/essay.js';
import { note as noteFor, onCleanup, runBench } from './helpers/lifecycle.js';
import { benchSchema } from './helpers/pg-schema.js';
import { procCpuMs, procStatusMb } from './helpers/proc.js';
import { openProduct, productEnv, type Product } from './helpers/product.js';
import { READER_PATTERN, seedReaders } from './helpers/seed.js';
import { startSinkProcess, type Sink } from './helpers/sink-client.js';
import type { SendSummary as SendView } from '../src/sending/send-summary.js';

const N = Number(process.env.FANOUT_PG_N ?? 10_000);
const WORKER_COUNTS = (process.env.FANOUT_PG_WORKERS ?? '1,2,3').split(',').map(Number);
const BASELINE_N = Number(process.env.FANOUT_PG_BASELINE_N ?? Math.min(N, 5_000));
const BODY_BYTES = Number(process.env.FANOUT_BODY_BYTES ?? 21_000);
const CONCURRENCY = Number(process.env.FANOUT_CONCURRENCY ?? 8);
const ANALYZE = process.env.FANOUT_PG_ANALYZE === '1';
const CAPTURE_TO = 'editor@bench.example.com';

const note = noteFor('fanout-postgres');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


async function newPost(product: Product, title: string): Promise<number> {
  const post = await product.api<{ id: number }>('POST', '/api/admin/posts', { title, body: essay(BODY_BYTES) });
  return post.id;
}

/** The product's own mail for `postId`, as the sink received it: what the baseline sends. */
async function captureMessage(product: Product, sink: Sink, postId: number, file: string): Promise<void> {
  await product.api('POST', `/api/admin/posts/${postId}/test`, { to: CAPTURE_TO });
  const raw = await sink.captured();
  if (!raw) throw new Error('the sink did not capture the test copy');
  writeFileSync(file, raw);
}

/** Waits for the send to be done in the ledger (the sink may have every copy a flush earlier). */
async function settledSend(product: Product, sendId: number, timeoutMs = 30_000): Promise<SendView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const send = await product.api<SendView>('GET', `/api/admin/sends/${sendId}`);
    if (send.status === 'done' || Date.now() > deadline) return send;
    await sleep(200);
  }
}

async function runWorkers(product: Product, sink: Sink, env: Record<string, string>, workers: number, baselineRate: number) {
  const postId = await newPost(product, `The harbour with ${workers} worker${workers === 1 ? '' : 's'}`);
  await sink.reset();
  const t = performance.now();
  const { send } = await product.api<{ send: SendView }>('POST', `/api/admin/posts/${postId}/publish`, {}, [202]);
  const publishMs = performance.now() - t;
  if (send.total !== N) throw new Error(`the send has ${send.total} deliveries, expected ${N}`);
  if (ANALYZE) await sql`analyze deliveries`.execute(product.db);

  const machine0 = machineCpuMs();
  const started: WorkerProcess[] = Array.from({ length: workers }, () => startWorkerProcess(env));
  const sinkCpu0 = procCpuMs(sink.pid);
  const stats = await sink.waitFor(N, Math.max(120_000, N * 20), 20_000);
  const machine1 = machineCpuMs();
  const ledger = await settledSend(product, send.id);
  const peaks = started.map((w) => Math.round(procStatusMb(w.pid, 'VmHWM') ?? 0));
  const cpuMs = started.map((w) => procCpuMs(w.pid) ?? 0).reduce((a, b) => a + b, 0);
  const sinkCpuMs = (procCpuMs(sink.pid) ?? 0) - (sinkCpu0 ?? 0);
  await Promise.all(started.map((w) => w.stop()));
  if (stats.messages < N) note(`worker output:\n${started.map((w) => w.output().slice(-2000)).join('\n---\n')}`);

  const tally = await sink.tally(READER_PATTERN, N);
  const sentRows = await product.db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('send_id', '=', send.id)
    .where('status', '=', 'sent')
    .executeTakeFirstOrThrow();
  const span = stats.first_at && stats.last_at ? (stats.last_at - stats.first_at) / 1000 : 0;
  const rate = span > 0 ? Math.round(stats.messages / span) : 0;
  console.log(
    JSON.stringify({
      bench: 'fanout-postgres',
      workers,
      n: N,
      concurrency_per_worker: CONCURRENCY,
      message_bytes: stats.messages > 0 ? Math.round(stats.bytes / stats.messages) : 0,
      publish_ms: Math.round(publishMs),
      analyzed_before_workers: ANALYZE,
      msgs_per_s: rate,
      sink_span_s: Math.round(span * 10) / 10,
      sink_messages: stats.messages,
      missing: tally.missing,
      duplicates: tally.duplicates,
      unexpected: tally.unexpected,
      send_status: ledger.status,
      send_sent: ledger.sent,
      send_failed: ledger.failed,
      ledger_sent_rows: Number(sentRows.n),
      worker_peak_rss_mb: peaks,
      // Whole-process CPU of all workers (start-up included) per message delivered.
      worker_cpu_us_per_msg: Math.round((cpuMs * 1000) / Math.max(1, stats.messages)),
      sink_cpu_us_per_msg: Math.round((sinkCpuMs * 1000) / Math.max(1, stats.messages)),
      machine_busy_pct: machine0 && machine1 ? Math.round(((machine1.busy - machine0.busy) / (machine1.total - machine0.total)) * 100) : null,
      cores: coreCount(),
      raw_nodemailer_msgs_per_s: baselineRate,
      ratio: baselineRate > 0 ? Number((rate / baselineRate).toFixed(3)) : null,
      exactly_once: tally.missing === 0 && tally.duplicates === 0,
    }),
  );
}

runBench(async () => {
  const work = mkdtempSync(join(tmpdir(), 'broadsheet-bench-fanout-pg-'));
  onCleanup(() => rmSync(work, { recursive: true, force: true }), () => rmSync(work, { recursive: true, force: true }));
  const databaseUrl = benchSchema('fanout');
  const sink = await startSinkProcess({ captureTo: CAPTURE_TO, tally: true });
  const env = { ...productEnv({ dataDir: work, databaseUrl, smtpUrl: sink.url }), SEND_CONCURRENCY: String(CONCURRENCY) };
  const product = await openProduct(env);

  let t = performance.now();
  await seedReaders(product.db, N);
  note(`seeded ${N} readers in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  // 1. The baseline first, so every worker line can carry the ratio.
  const messageFile = join(work, 'message.eml');
  await captureMessage(product, sink, await newPost(product, 'The harbour, the council and the winter ferry'), messageFile);
  await sink.reset();
  t = performance.now();
  const raw = await runRawNodemailer({ mode: 'compose', port: sink.port, n: BASELINE_N, maxConnections: CONCURRENCY, inflight: CONCURRENCY, messageFile });
  const rawSink = await sink.waitFor(BASELINE_N, 10_000);
  console.log(
    JSON.stringify({
      bench: 'fanout-postgres-baseline',
      n: BASELINE_N,
      via: 'nodemailer pool, sendMail({from,to,subject,html,text,headers}) per reader',
      max_connections: CONCURRENCY,
      message_bytes: rawSink.messages > 0 ? Math.round(rawSink.bytes / rawSink.messages) : 0,
      raw_nodemailer_msgs_per_s: raw.msgs_per_s,
      seconds: raw.seconds,
      sent: raw.sent,
      failed: raw.failed,
      sink_messages: rawSink.messages,
      cpu_us_per_msg: Math.round((raw.cpu_ms * 1000) / Math.max(1, raw.sent)),
      ...(raw.first_error ? { first_error: raw.first_error } : {}),
    }),
  );

  // 2. The product with 1, 2, 3 workers: a send of its own each, same readers, same mail size.
  for (const workers of WORKER_COUNTS) await runWorkers(product, sink, env, workers, raw.msgs_per_s);
});
