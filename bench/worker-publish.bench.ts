/**
 * The publish call on the Worker path at scale: POST /api/admin/posts/:id/publish over HTTP to
 * the deploy bundle in workerd (Miniflare, see bench/helpers/local-worker.ts), on a local D1
 * holding N active readers. The request snapshots the whole audience into `deliveries` with one
 * INSERT … SELECT inside one D1 batch, so this is where a size or time limit of D1 would show.
 * The queue has no consumer here: nothing sends while the publish is timed or counted.
 *
 * Baselines in the same run: the very same publish on Node with SQLite (the built app in this
 * process, as bench/publish-scale.bench.ts runs it), and `select 1` on the same D1 over the same
 * path (median of 20), the floor any D1 request pays.
 *
 * If D1 refuses the snapshot, the line carries the exact error instead of a time, and the bench
 * exits 1: that limit is the finding.
 *
 * Env: BENCH_READERS (100000), FANOUT_BODY_BYTES (21000). Needs `npm run build` (dist/).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { essay } from './helpers/essay.js';
import { startLocalWorker, workerVars, type LocalWorker } from './helpers/local-worker.js';
import { note as noteFor, onCleanup, runBench } from './helpers/lifecycle.js';
import { openProduct, productEnv } from './helpers/product.js';
import { seedReaders } from './helpers/seed.js';
import type { SendSummary as SendView } from '../src/sending/send-summary.js';

const N = Number(process.env.BENCH_READERS ?? 100_000);
const BODY_BYTES = Number(process.env.FANOUT_BODY_BYTES ?? 21_000);
// Nothing is mailed (no consumer, and the Node app runs no worker), but the config wants a URL.
const NO_SMTP = 'smtp://127.0.0.1:9';

const note = noteFor('worker-publish');
const round1 = (n: number) => Math.round(n * 10) / 10;


type Publish = { ok: true; ms: number; send: SendView } | { ok: false; ms: number; error: string };

/** Times one publish; an error response is a result too (a limit), not a crash of the bench. */
async function timedPublish(api: LocalWorker['api'], postId: number): Promise<Publish> {
  const t = performance.now();
  try {
    const { send } = await api<{ send: SendView }>('POST', `/api/admin/posts/${postId}/publish`, {}, [202]);
    return { ok: true, ms: performance.now() - t, send };
  } catch (error) {
    return { ok: false, ms: performance.now() - t, error: error instanceof Error ? error.message : String(error) };
  }
}

async function selectOneMs(worker: LocalWorker): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await worker.d1.prepare('select 1').all();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[10]!;
}

/** The same publish on Node's SQLite: what the Worker path costs over the product's own floor. */
async function nodeSqlitePublishMs(work: string): Promise<number> {
  const dataDir = join(work, 'node-sqlite');
  mkdirSync(dataDir);
  const product = await openProduct(productEnv({ dataDir, databaseUrl: join(dataDir, 'broadsheet.db'), smtpUrl: NO_SMTP }));
  await seedReaders(product.db, N);
  const post = await product.api<{ id: number }>('POST', '/api/admin/posts', { title: `The harbour at ${N} readers`, body: essay(BODY_BYTES) });
  const result = await timedPublish(product.api, post.id);
  if (!result.ok) throw new Error(`Node SQLite publish failed: ${result.error}`);
  if (result.send.total !== N) throw new Error(`Node SQLite publish snapshotted ${result.send.total} of ${N}`);
  return result.ms;
}

runBench(async () => {
  const work = mkdtempSync(join(tmpdir(), 'broadsheet-bench-worker-publish-'));
  onCleanup(() => rmSync(work, { recursive: true, force: true }), () => rmSync(work, { recursive: true, force: true }));
  const vars = workerVars(productEnv({ dataDir: work, databaseUrl: '', smtpUrl: NO_SMTP }));
  const worker = await startLocalWorker({ work, vars, consume: false });

  let t = performance.now();
  await seedReaders(worker.db, N);
  note(`seeded ${N} readers into local D1 in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const post = await worker.api<{ id: number }>('POST', '/api/admin/posts', { title: `The harbour at ${N} readers`, body: essay(BODY_BYTES) });
  const publish = await timedPublish(worker.api, post.id);
  note(publish.ok ? `published to ${publish.send.total} in ${publish.ms.toFixed(0)} ms` : `publish failed after ${publish.ms.toFixed(0)} ms: ${publish.error}`);
  const counted = await worker.d1.prepare('select count(*) as n from deliveries').all();
  const deliveries = Number((counted.results?.[0] as { n: number } | undefined)?.n ?? 0);
  const selectOne = await selectOneMs(worker);

  t = performance.now();
  const nodeMs = await nodeSqlitePublishMs(work);
  note(`Node SQLite baseline (seed and publish) in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  console.log(
    JSON.stringify({
      bench: 'worker-publish',
      readers: N,
      publish_ms: publish.ok ? Math.round(publish.ms) : null,
      deliveries,
      send_total: publish.ok ? publish.send.total : null,
      ...(publish.ok ? {} : { error: publish.error, failed_after_ms: Math.round(publish.ms) }),
      baseline_node_sqlite_publish_ms: Math.round(nodeMs),
      ratio: publish.ok ? round1(publish.ms / nodeMs) : null,
      select_1_ms: round1(selectOne),
    }),
  );
  // runBench exits 0 when the body returns: a refused or short snapshot must fail the run.
  if (!publish.ok || deliveries !== N) throw new Error(`publish on D1: ${publish.ok ? `${deliveries} deliveries of ${N}` : publish.error}`);
});
