/**
 * Publishing at scale, on SQLite and on PostgreSQL: the publish call (POST
 * /api/admin/posts/:id/publish, which snapshots the audience into the send's deliveries) at
 * 100,000 and 1,000,000 active readers, on the built app in this process; then one `broadsheet
 * worker` process sends that send to a sink for a fixed window, and its peak RSS (VmHWM, read just
 * before it is stopped, WORKER_S after its first message reached the sink) tells whether the sending process's memory stays flat as the list grows.
 *
 * One database per kind, grown between sizes: readers are added (in SQL) up to the next size, the
 * previous send is cancelled, and a new post is published to everyone. The worker's window is
 * the same at every size, so it sends about as many messages each time: memory that grows with
 * the audience, not with the work done, shows as a higher peak at the larger size.
 *
 * Env: PUBLISH_SCALE_NS (100000,1000000), PUBLISH_SCALE_DBS (sqlite,postgres),
 * PUBLISH_SCALE_WORKER_S (15), PUBLISH_SCALE_ANALYZE (0; 1 runs ANALYZE deliveries on
 * PostgreSQL after publishing, before the worker starts; see bench/fanout-postgres.bench.ts for
 * why), FANOUT_BODY_BYTES (21000: a ~60 KB mail),
 * BENCH_POSTGRES_URL (postgres://postgres@127.0.0.1:5432/test).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { startWorkerProcess } from './helpers/children.js';
import { essay } from './helpers/essay.js';
import { note as noteFor, onCleanup, runBench } from './helpers/lifecycle.js';
import { benchSchema } from './helpers/pg-schema.js';
import { procStatusMb } from './helpers/proc.js';
import { openProduct, productEnv } from './helpers/product.js';
import { seedReaders } from './helpers/seed.js';
import { startSinkProcess, type Sink } from './helpers/sink-client.js';
import type { SendSummary as SendView } from '../src/sending/send-summary.js';

const NS = (process.env.PUBLISH_SCALE_NS ?? '100000,1000000').split(',').map(Number).sort((a, b) => a - b);
const DBS = (process.env.PUBLISH_SCALE_DBS ?? 'sqlite,postgres').split(',') as Array<'sqlite' | 'postgres'>;
const WORKER_S = Number(process.env.PUBLISH_SCALE_WORKER_S ?? 15);
const BODY_BYTES = Number(process.env.FANOUT_BODY_BYTES ?? 21_000);
const ANALYZE = process.env.PUBLISH_SCALE_ANALYZE === '1';
const TARGET_S = 5;

const note = noteFor('publish-scale');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round2 = (n: number) => Math.round(n * 100) / 100;


async function measure(kind: 'sqlite' | 'postgres', sink: Sink, work: string) {
  const dataDir = join(work, kind);
  const databaseUrl = kind === 'sqlite' ? join(dataDir, 'broadsheet.db') : benchSchema('publish');
  const env = productEnv({ dataDir, databaseUrl, smtpUrl: sink.url });
  const product = await openProduct(env);
  const peaks: Record<number, number> = {};
  let seeded = 0;
  let previousSend: number | undefined;
  for (const n of NS) {
    let t = performance.now();
    await seedReaders(product.db, n, new Date().toISOString(), seeded);
    const seedS = (performance.now() - t) / 1000;
    note(`${kind}: readers ${seeded} -> ${n} in ${seedS.toFixed(1)} s`);
    seeded = n;
    // Only one send at a time, so the worker below works on this size's send.
    if (previousSend !== undefined) await product.api('POST', `/api/admin/sends/${previousSend}/cancel`);

    const post = await product.api<{ id: number }>('POST', '/api/admin/posts', { title: `The harbour at ${n} readers`, body: essay(BODY_BYTES) });
    t = performance.now();
    const { send } = await product.api<{ send: SendView }>('POST', `/api/admin/posts/${post.id}/publish`, {}, [202]);
    const publishS = (performance.now() - t) / 1000;
    previousSend = send.id;
    note(`${kind}: published to ${send.total} in ${publishS.toFixed(2)} s`);

    if (ANALYZE && kind === 'postgres') await sql`analyze deliveries`.execute(product.db);
    await sink.reset();
    const spawnedAt = Date.now();
    const worker = startWorkerProcess(env);
    // The window counts from the first message: start-up (MJML, the send's render) varies with load.
    const first = await sink.waitFor(1, 60_000, 60_000);
    const firstAfterS = first.first_at ? (first.first_at - spawnedAt) / 1000 : null;
    await sleep(WORKER_S * 1000);
    const peak = procStatusMb(worker.pid, 'VmHWM');
    const rss = procStatusMb(worker.pid, 'VmRSS');
    const stats = await sink.stats();
    await worker.stop();
    if (stats.messages === 0) note(`worker sent nothing:\n${worker.output().slice(-3000)}`);
    const span = stats.first_at && stats.last_at ? (stats.last_at - stats.first_at) / 1000 : 0;
    if (peak !== undefined) peaks[n] = peak;
    console.log(
      JSON.stringify({
        bench: 'publish-scale',
        db: kind,
        readers: n,
        deliveries: send.total,
        seed_s: round2(seedS),
        publish_s: round2(publishS),
        target_s: TARGET_S,
        target_met: publishS < TARGET_S && send.total === n,
        analyzed_before_worker: ANALYZE && kind === 'postgres',
        worker_first_message_after_s: firstAfterS === null ? null : round2(firstAfterS),
        worker_window_s: WORKER_S,
        worker_sent_in_window: stats.messages,
        worker_msgs_per_s: span > 0 ? Math.round(stats.messages / span) : 0,
        message_bytes: stats.messages > 0 ? Math.round(stats.bytes / stats.messages) : 0,
        worker_peak_rss_mb: peak === undefined ? null : Math.round(peak),
        worker_rss_at_stop_mb: rss === undefined ? null : Math.round(rss),
      }),
    );
  }
  const [small, large] = [NS[0]!, NS[NS.length - 1]!];
  if (NS.length > 1 && peaks[small] && peaks[large]) {
    console.log(
      JSON.stringify({
        bench: 'publish-scale-memory',
        db: kind,
        readers: [small, large],
        worker_peak_rss_mb: [Math.round(peaks[small]), Math.round(peaks[large])],
        growth_pct: Math.round(((peaks[large] - peaks[small]) / peaks[small]) * 100),
        // Within 15 %: the same window's work costs the same memory whatever the audience.
        flat: peaks[large] < peaks[small] * 1.15,
      }),
    );
  }
}

runBench(async () => {
  const work = mkdtempSync(join(tmpdir(), 'broadsheet-bench-publish-'));
  onCleanup(() => rmSync(work, { recursive: true, force: true }), () => rmSync(work, { recursive: true, force: true }));
  const sink = await startSinkProcess();
  for (const kind of DBS) await measure(kind, sink, work);
});
