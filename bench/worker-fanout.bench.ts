/**
 * Fan-out on the Worker path: the deploy bundle in workerd (Miniflare, see
 * bench/helpers/local-worker.ts) over local D1 and Queues, mailing the bench SMTP sink process
 * over cloudflare:sockets. N readers go straight into D1, one ~60 KB post is published over HTTP,
 * and the send is followed through the admin API until done: every message goes out from queue
 * consumer invocations, each a bounded worker pass that enqueues the next while work remains.
 * The sink counts copies per reader, so the line says how many got none and how many got more.
 *
 * Baseline in the same run, to the same sink: plain pooled nodemailer (bench/raw-nodemailer.ts)
 * composing the very same mail (the Worker's test copy of the post, captured at the sink) over
 * as many connections as the Worker's SEND_CONCURRENCY; and nodemailer sending that message
 * prebuilt, the ceiling of the transport and the sink on this machine.
 *
 * Env: BENCH_READERS (5000), FANOUT_BODY_BYTES (21000 of Markdown: a ~60 KB mail),
 * FANOUT_CONCURRENCY (8: SEND_CONCURRENCY and the baseline's connections).
 * Needs `npm run build` (dist/worker-assets).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRawNodemailer } from './helpers/children.js';
import { coreCount, machineCpuMs } from './helpers/cpu.js';
import { essay } from './helpers/essay.js';
import { startLocalWorker, workerVars } from './helpers/local-worker.js';
import { note as noteFor, onCleanup, runBench } from './helpers/lifecycle.js';
import { productEnv } from './helpers/product.js';
import { READER_PATTERN, seedReaders } from './helpers/seed.js';
import { startSinkProcess } from './helpers/sink-client.js';
import type { SendSummary as SendView } from '../src/sending/send-summary.js';

const N = Number(process.env.BENCH_READERS ?? 5_000);
const BODY_BYTES = Number(process.env.FANOUT_BODY_BYTES ?? 21_000);
const CONCURRENCY = Number(process.env.FANOUT_CONCURRENCY ?? 8);
const CAPTURE_TO = 'editor@bench.example.com';
// A send that stops moving for this long has stalled (a broken queue chain waits for the cron,
// which Miniflare does not fire on its own).
const STALL_MS = 60_000;

const note = noteFor('worker-fanout');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round1 = (n: number) => Math.round(n * 10) / 10;


runBench(async () => {
  const work = mkdtempSync(join(tmpdir(), 'broadsheet-bench-worker-fanout-'));
  onCleanup(() => rmSync(work, { recursive: true, force: true }), () => rmSync(work, { recursive: true, force: true }));
  const sink = await startSinkProcess({ captureTo: CAPTURE_TO, tally: true });
  const env = productEnv({ dataDir: work, databaseUrl: '', smtpUrl: sink.url });
  const worker = await startLocalWorker({ work, vars: { ...workerVars(env), SEND_CONCURRENCY: String(CONCURRENCY) } });

  let t = performance.now();
  await seedReaders(worker.db, N);
  note(`seeded ${N} readers into local D1 in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const post = await worker.api<{ id: number }>('POST', '/api/admin/posts', { title: 'The harbour, the council and the winter ferry', body: essay(BODY_BYTES) });
  await sink.reset();
  const machine0 = machineCpuMs();
  const publishedAt = Date.now();
  t = performance.now();
  const published = await worker.api<{ send: SendView }>('POST', `/api/admin/posts/${post.id}/publish`, {}, [202]);
  const publishMs = performance.now() - t;
  note(`published in ${publishMs.toFixed(0)} ms: send ${published.send.id}, total ${published.send.total}`);

  let send = published.send;
  let lastDone = -1;
  let lastProgress = Date.now();
  let lastNote = Date.now();
  while (send.status !== 'done') {
    if (['cancelled', 'paused', 'failed'].includes(send.status)) throw new Error(`send ended up ${send.status}: ${JSON.stringify(send)}`);
    await sleep(250);
    send = await worker.api<SendView>('GET', `/api/admin/sends/${send.id}`);
    const done = send.sent + send.failed + send.skipped;
    if (done !== lastDone) [lastDone, lastProgress] = [done, Date.now()];
    else if (Date.now() - lastProgress > STALL_MS) throw new Error(`send stalled at ${JSON.stringify(send)}`);
    if (Date.now() - lastNote > 10_000) {
      lastNote = Date.now();
      note(`${send.sent}/${send.total} sent`);
    }
  }
  const machine1 = machineCpuMs();
  const stats = await sink.waitFor(N, 30_000);
  const tally = await sink.tally(READER_PATTERN, N);
  // From the publish request to the ledger's last outcome: queue hops between passes included,
  // since they are part of how the Worker gets through a send.
  const seconds = (Date.parse(send.finished_at!) - publishedAt) / 1000;
  const rate = send.sent / seconds;
  const span = stats.first_at && stats.last_at ? (stats.last_at - stats.first_at) / 1000 : 0;

  // The baseline sends exactly what the Worker sends: its own test copy of the post.
  await sink.reset();
  await worker.api('POST', `/api/admin/posts/${post.id}/test`, { to: CAPTURE_TO });
  const raw = await sink.captured();
  if (!raw) throw new Error('the sink did not capture the test copy');
  const messageFile = join(work, 'message.eml');
  writeFileSync(messageFile, raw);
  await sink.reset();
  const baseline = await runRawNodemailer({ mode: 'compose', port: sink.port, n: N, maxConnections: CONCURRENCY, inflight: CONCURRENCY, messageFile });
  const baselineSink = await sink.waitFor(N, 30_000);
  // The transport's ceiling: nodemailer sending the captured message as is, no MIME work. The
  // Worker builds each copy from a prerendered message, so it can beat the composing baseline.
  await sink.reset();
  const prebuilt = await runRawNodemailer({ mode: 'prebuilt', port: sink.port, n: N, maxConnections: CONCURRENCY, inflight: CONCURRENCY, messageFile });
  await sink.waitFor(N, 30_000);

  console.log(
    JSON.stringify({
      bench: 'worker-fanout',
      readers: N,
      concurrency: CONCURRENCY,
      message_bytes: stats.messages > 0 ? Math.round(stats.bytes / stats.messages) : 0,
      publish_ms: Math.round(publishMs),
      messages_per_second: Math.round(rate),
      seconds: round1(seconds),
      // The ledger's own span (first claim to last outcome) and the sink's (first to last message).
      send_s: send.started_at && send.finished_at ? round1((Date.parse(send.finished_at) - Date.parse(send.started_at)) / 1000) : null,
      sink_span_s: round1(span),
      sent: send.sent,
      failed: send.failed,
      sink_messages: stats.messages,
      // SMTP connections the Worker opened (a pool per consumer invocation, so a set per pass), and
      // the most open at once: more than `concurrency` means consumer invocations overlapped.
      sink_connections: stats.connections,
      peak_connections: stats.peak_connections,
      duplicates: tally.duplicates,
      missing: tally.missing,
      unexpected: tally.unexpected,
      baseline_messages_per_second: baseline.msgs_per_s,
      baseline_failed: baseline.failed,
      baseline_peak_connections: baselineSink.peak_connections,
      prebuilt_messages_per_second: prebuilt.msgs_per_s,
      ratio: baseline.msgs_per_s > 0 ? Math.round((rate / baseline.msgs_per_s) * 100) / 100 : null,
      machine_busy_pct: machine0 && machine1 ? Math.round(((machine1.busy - machine0.busy) / (machine1.total - machine0.total)) * 100) : null,
      cores: coreCount(),
    }),
  );
  if (tally.missing > 0 || tally.duplicates > 0) note(`WARNING: not exactly once: ${tally.missing} readers missing, ${tally.duplicates} duplicate copies`);
});
