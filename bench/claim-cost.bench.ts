/**
 * What the delivery ledger costs per 1,000 deliveries, on SQLite and on PostgreSQL: the built
 * `claimDeliveries` and `recordOutcomes` called in a loop, batch after batch, on one send with
 * CLAIM_N pending deliveries, every claimed row recorded as sent, until nothing is left. No SMTP
 * at all: this is the database's share of a send. Baseline per batch on the same database and
 * connection: one `select 1` round trip, what any statement costs before it does anything.
 *
 * Env: CLAIM_N (50000), CLAIM_BATCH (200: the worker's batch), CLAIM_DBS (sqlite,postgres),
 * BENCH_POSTGRES_URL (postgres://postgres@127.0.0.1:5432/test).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { ClaimedDelivery } from '../src/sending/claim-deliveries.js';
import type { Database } from '../src/db/database.js';
import { importDist } from './helpers/dist.js';
import { note as noteFor, onCleanup, runBench } from './helpers/lifecycle.js';
import { benchSchema } from './helpers/pg-schema.js';
import { seedReaders } from './helpers/seed.js';

const N = Number(process.env.CLAIM_N ?? 50_000);
const BATCH = Number(process.env.CLAIM_BATCH ?? 200);
const DBS = (process.env.CLAIM_DBS ?? 'sqlite,postgres').split(',') as Array<'sqlite' | 'postgres'>;
const LEASE_MS = 60_000;
const WORKER_ID = `claim-cost-bench-${process.pid}`;

const note = noteFor('claim-cost');

const [claimModule, recordModule, messageIdModule, openModule, migrateModule] = await Promise.all([
  importDist<typeof import('../src/sending/claim-deliveries.js')>('src/sending/claim-deliveries.js'),
  importDist<typeof import('../src/sending/record-outcomes.js')>('src/sending/record-outcomes.js'),
  importDist<typeof import('../src/mail/message-id.js')>('src/mail/message-id.js'),
  importDist<typeof import('../src/db/open.js')>('src/db/open.js'),
  importDist<typeof import('../src/db/migrate.js')>('src/db/migrate.js'),
]);

// The claim is gaining a worker id (who holds the lease); this call passes one either way, so the
// bench runs the same against the engine before and after that change.
type ClaimWithWorker = (db: Kysely<Database>, sendId: number, limit: number, now: Date, leaseMs: number, workerId: string) => Promise<ClaimedDelivery[]>;
const claim = claimModule.claimDeliveries as ClaimWithWorker;

/** One published post with a send in `sending` and a delivery per reader, as publishing leaves it. */
async function seedSend(db: Kysely<Database>, n: number): Promise<number> {
  const now = new Date().toISOString();
  await seedReaders(db, n, now);
  const post = await db
    .insertInto('posts')
    .values({ slug: 'claim-cost', title: 'Claim cost', body_markdown: '', body_html: '', summary: '', status: 'published', published_at: now, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  const send = await db
    .insertInto('sends')
    .values({ post_id: post.id, status: 'sending', subject: 'Claim cost', from_name: 'Bench', from_address: 'news@bench.example.com', created_at: now, updated_at: now, started_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('deliveries')
    .columns(['send_id', 'subscriber_id', 'next_attempt_at'])
    .expression((eb) => eb.selectFrom('subscribers').select([sql.lit(send.id).as('send_id'), 'id', sql.lit(now).as('next_attempt_at')]).orderBy('id'))
    .execute();
  await db.updateTable('sends').set({ total: n }).where('id', '=', send.id).execute();
  // No ANALYZE: a fresh send meets statistics from before its rows existed, as in production,
  // which is what once planned the claim as a nested loop over every pending row (first_claim_ms).
  return send.id;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
const per1000 = (ms: number, rows: number) => Number(((ms * 1000) / Math.max(1, rows)).toFixed(2));

async function measure(kind: 'sqlite' | 'postgres', url: string) {
  const db = openModule.openDatabase(url);
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= db.destroy());
  onCleanup(close);
  await migrateModule.migrateToLatest(db);
  const t = performance.now();
  const sendId = await seedSend(db, N);
  note(`${kind}: seeded ${N} pending deliveries in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const messageIds = { installId: await messageIdModule.loadInstallId(db), domain: 'bench.example.com' };

  const select1: number[] = [];
  const claims: number[] = [];
  const records: number[] = [];
  let claimed = 0;
  let recorded = 0;
  for (;;) {
    let t0 = performance.now();
    await sql`select 1`.execute(db);
    select1.push(performance.now() - t0);

    t0 = performance.now();
    const rows = await claim(db, sendId, BATCH, new Date(), LEASE_MS, WORKER_ID);
    claims.push(performance.now() - t0);
    if (rows.length === 0) break;
    claimed += rows.length;

    const outcomes = recordModule.emptyOutcomes();
    outcomes.sent = rows.map((r) => r.id);
    t0 = performance.now();
    await recordModule.recordOutcomes(db, sendId, outcomes, new Date().toISOString(), messageIds);
    records.push(performance.now() - t0);
    recorded += rows.length;
  }
  const left = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('send_id', '=', sendId)
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const sortedClaims = [...claims].sort((a, b) => a - b);
  const sortedRecords = [...records].sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      bench: 'claim-cost',
      db: kind,
      deliveries: N,
      batch: BATCH,
      batches: records.length,
      claimed,
      recorded,
      pending_left: Number(left.n),
      claim_ms_per_1000: per1000(sum(claims), claimed),
      record_ms_per_1000: per1000(sum(records), recorded),
      // The same number of round trips doing nothing: the floor under both figures above.
      baseline_select1_ms_per_1000: per1000(sum(select1), claimed),
      first_claim_ms: Number((claims[0] ?? 0).toFixed(2)),
      claim_ms_per_batch_p50: Number(percentile(sortedClaims, 0.5).toFixed(2)),
      claim_ms_per_batch_p99: Number(percentile(sortedClaims, 0.99).toFixed(2)),
      record_ms_per_batch_p50: Number(percentile(sortedRecords, 0.5).toFixed(2)),
      record_ms_per_batch_p99: Number(percentile(sortedRecords, 0.99).toFixed(2)),
      // Whether the claim slows down as the send drains (dead rows ahead of the pending ones).
      claim_ms_first_tenth_per_1000: per1000(sum(claims.slice(0, Math.ceil(claims.length / 10))), BATCH * Math.ceil(claims.length / 10)),
      claim_ms_last_tenth_per_1000: per1000(sum(claims.slice(-Math.ceil(claims.length / 10) - 1, -1)), BATCH * Math.ceil(claims.length / 10)),
    }),
  );
  await close();
}

runBench(async () => {
  const work = mkdtempSync(join(tmpdir(), 'broadsheet-bench-claim-'));
  onCleanup(() => rmSync(work, { recursive: true, force: true }), () => rmSync(work, { recursive: true, force: true }));
  for (const kind of DBS) await measure(kind, kind === 'sqlite' ? join(work, 'claim.db') : benchSchema('claim'));
});
