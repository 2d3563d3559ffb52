import type { CompiledQuery, KyselyPlugin } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import type { Db } from '../src/db/database.js';
import { openDatabase } from '../src/db/open.js';
import { loadInstallId, mailingMessageId, type MessageIdScope } from '../src/mail/message-id.js';
import { emptyOutcomes, recordOutcomes, type Outcomes } from '../src/sending/record-outcomes.js';
import { ADMIN_ENV } from './helpers/posts-fixtures.js';
import { publishWithSend, seedActiveReaders } from './helpers/sending-fixtures.js';
import { createTestContext, type TestContext } from './helpers/test-app.js';
import { onPostgres } from './helpers/test-database.js';

let t: TestContext;
let second: Db | undefined;
afterEach(async () => {
  await second?.destroy();
  second = undefined;
  await t?.close();
});

const KINDS = ['sent', 'skipped', 'failed', 'unknown', 'bounced', 'retry'] as const;
const PER_KIND = 1000;
const now = '2026-11-24T09:05:00.000Z';
const retryAt = '2026-11-24T09:15:00.000Z';

interface Delivery {
  id: number;
  subscriber_id: number | null;
}

/** A send in `sending` with a pending delivery for each of `readers` readers, as publishing leaves it. */
async function sendingSend(readers: number) {
  t = await createTestContext({ env: ADMIN_ENV });
  await seedActiveReaders(t.deps, readers);
  const { body } = await publishWithSend(t.app, { title: 'Recorded', body: 'x' });
  const sendId = body.send.id as number;
  await t.deps.db.updateTable('sends').set({ status: 'sending' }).where('id', '=', sendId).execute();
  const deliveries = await t.deps.db.selectFrom('deliveries').select(['id', 'subscriber_id']).where('send_id', '=', sendId).orderBy('id').execute();
  expect(deliveries).toHaveLength(readers);
  const messageIds: MessageIdScope = { installId: await loadInstallId(t.deps.db), domain: 'example.com' };
  return { sendId, deliveries, messageIds };
}

/** The deliveries' outcomes, the kind of each chosen by its position, so any subset agrees on it. */
function outcomesFor(deliveries: readonly Delivery[], from: number, to: number): Outcomes {
  const o = emptyOutcomes();
  deliveries.slice(from, to).forEach((d, i) => {
    const kind = KINDS[(from + i) % KINDS.length]!;
    const error = `550 refused ${d.id}`;
    if (kind === 'sent') o.sent.push(d.id);
    else if (kind === 'skipped') o.skipped.push(d.id);
    else if (kind === 'failed') o.failed.push({ id: d.id, error });
    else if (kind === 'unknown') o.unknown.push({ id: d.id, error });
    else if (kind === 'bounced') o.bounced.push({ id: d.id, subscriberId: d.subscriber_id!, error });
    else o.retry.push({ id: d.id, at: retryAt, error: `451 later ${d.id}` });
  });
  return o;
}

/** Every statement run through `db`, with its parameters, as the database received it. */
function recording(db: Db) {
  // Subqueries are compiled on their own too, but only whole statements come back with a result.
  const compiled = new Map<string, CompiledQuery>();
  const statements: CompiledQuery[] = [];
  const plugin: KyselyPlugin = {
    transformQuery({ node, queryId }) {
      compiled.set(queryId.queryId, db.getExecutor().compileQuery(node, queryId));
      return node;
    },
    async transformResult({ result, queryId }) {
      statements.push(compiled.get(queryId.queryId)!);
      return result;
    },
  };
  return { db: db.withPlugin(plugin), statements };
}

async function counters(sendId: number) {
  return t.deps.db.selectFrom('sends').select(['sent', 'failed', 'skipped', 'unknown']).where('id', '=', sendId).executeTakeFirstOrThrow();
}

/** What the counters must say: the deliveries' statuses as they are. */
async function countedFromRows(sendId: number) {
  const rows = await t.deps.db.selectFrom('deliveries').select('status').where('send_id', '=', sendId).execute();
  const of = (...statuses: string[]) => rows.filter((r) => statuses.includes(r.status)).length;
  return { sent: of('sent'), failed: of('failed', 'bounced'), skipped: of('skipped'), unknown: of('unknown') };
}

it('records 1,000 outcomes of every kind in eight statements binding a handful of values each, and counts a repeat once', async () => {
  const { sendId, deliveries, messageIds } = await sendingSend(PER_KIND * KINDS.length);
  const outcomes = outcomesFor(deliveries, 0, deliveries.length);
  for (const kind of KINDS) expect(outcomes[kind]).toHaveLength(PER_KIND);

  const { db, statements } = recording(t.deps.db);
  expect(await recordOutcomes(db, sendId, outcomes, now, messageIds)).toBe('sending');
  // One per kind, one marking the bounced readers, one moving the counters.
  expect(statements).toHaveLength(8);
  for (const s of statements) expect(s.parameters.length).toBeLessThanOrEqual(100);

  expect(await counters(sendId)).toEqual({ sent: PER_KIND, failed: 2 * PER_KIND, skipped: PER_KIND, unknown: PER_KIND });
  expect(await counters(sendId)).toEqual(await countedFromRows(sendId));

  const rows = new Map((await t.deps.db.selectFrom('deliveries').selectAll().where('send_id', '=', sendId).execute()).map((r) => [r.id, r]));
  for (const id of outcomes.sent) expect(rows.get(id)).toMatchObject({ status: 'sent', sent_at: now, lease_until: null, message_id: mailingMessageId(messageIds, sendId, id) });
  for (const id of outcomes.skipped) expect(rows.get(id)).toMatchObject({ status: 'skipped', message_id: null });
  for (const f of outcomes.failed) expect(rows.get(f.id)).toMatchObject({ status: 'failed', last_error: f.error });
  for (const u of outcomes.unknown) expect(rows.get(u.id)).toMatchObject({ status: 'unknown', last_error: u.error, message_id: mailingMessageId(messageIds, sendId, u.id) });
  for (const b of outcomes.bounced) expect(rows.get(b.id)).toMatchObject({ status: 'bounced', last_error: b.error });
  for (const r of outcomes.retry) expect(rows.get(r.id)).toMatchObject({ status: 'pending', next_attempt_at: r.at, last_error: r.error, lease_until: null });

  const readers = await t.deps.db.selectFrom('subscribers').select(['id', 'status']).execute();
  const bouncedReaders = new Set(outcomes.bounced.map((b) => b.subscriberId));
  for (const r of readers) expect(r.status).toBe(bouncedReaders.has(r.id) ? 'bounced' : 'active');

  // The same flush again (a repeated queue message): nothing was pending any more but the retries.
  await recordOutcomes(t.deps.db, sendId, outcomes, now, messageIds);
  expect(await counters(sendId)).toEqual({ sent: PER_KIND, failed: 2 * PER_KIND, skipped: PER_KIND, unknown: PER_KIND });
});

it('counts each outcome once when two connections record overlapping outcomes at the same time', async () => {
  const { sendId, deliveries, messageIds } = await sendingSend(6000);
  // better-sqlite3 blocks the thread while it waits for a lock, so in one process SQLite's
  // writers take turns on one connection; PostgreSQL's two connections really overlap.
  second = onPostgres ? openDatabase(t.config.databaseUrl) : undefined;
  // Two workers that both sent the middle third (a lease that ran out under the first one).
  await Promise.all([
    recordOutcomes(t.deps.db, sendId, outcomesFor(deliveries, 0, 4000), now, messageIds),
    recordOutcomes(second ?? t.deps.db, sendId, outcomesFor(deliveries, 2000, 6000), now, messageIds),
  ]);
  expect(await counters(sendId)).toEqual({ sent: PER_KIND, failed: 2 * PER_KIND, skipped: PER_KIND, unknown: PER_KIND });
  expect(await counters(sendId)).toEqual(await countedFromRows(sendId));
});

it('still records the outcomes of a send an editor paused, and tells the worker it is paused', async () => {
  const { sendId, deliveries, messageIds } = await sendingSend(12);
  await t.deps.db.updateTable('sends').set({ status: 'paused' }).where('id', '=', sendId).execute();
  expect(await recordOutcomes(t.deps.db, sendId, outcomesFor(deliveries, 0, 12), now, messageIds)).toBe('paused');
  expect(await counters(sendId)).toEqual({ sent: 2, failed: 4, skipped: 2, unknown: 2 });
  expect(await counters(sendId)).toEqual(await countedFromRows(sendId));
});
