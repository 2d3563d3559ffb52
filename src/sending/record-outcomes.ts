import type { Compilable, ExpressionBuilder } from 'kysely';
import { atomicBatch } from '../db/atomic.js';
import type { Database, Db, DeliveryStatus, SendStatus } from '../db/database.js';
import { idIn } from '../db/id-list.js';
import { jsonRows } from '../db/json-rows.js';
import { markBounced } from '../delivery/mark-bounced.js';
import { mailingMessageIdSql, type MessageIdScope } from '../mail/message-id.js';

/** Outcomes collected in memory and written as one unit: one commit per flush, not per message. */
export interface Outcomes {
  sent: number[];
  skipped: number[];
  retry: Array<{ id: number; at: string; error: string }>;
  failed: Array<{ id: number; error: string }>;
  bounced: Array<{ id: number; subscriberId: number; error: string }>;
  /** Handed over in full, answer lost: the server may have it, so it is never sent again. */
  unknown: Array<{ id: number; error: string }>;
}

export const emptyOutcomes = (): Outcomes => ({ sent: [], skipped: [], retry: [], failed: [], bounced: [], unknown: [] });

export const outcomeCount = (o: Outcomes) => o.sent.length + o.skipped.length + o.retry.length + o.failed.length + o.bounced.length + o.unknown.length;

// Row locks taken in id order whatever order the answers came in: two PostgreSQL flushes that
// overlap (a lease that ran out) then queue behind each other instead of deadlocking.
const byId = <T extends { id: number }>(rows: readonly T[]) => [...rows].sort((a, b) => a.id - b.id);

const settledAs = (eb: ExpressionBuilder<Database, 'deliveries'>, statuses: DeliveryStatus[]) =>
  eb.fn.count<number>(eb.case().when('deliveries.status', 'in', statuses).then(1).end());

/**
 * Writes a batch of outcomes and moves the send's counters by what actually changed; returns
 * the send's status. Every update requires the row to be still pending, so an outcome recorded
 * twice (a lease that ran out while its worker was still busy, a repeated queue message) is
 * counted once.
 *
 * One `atomicBatch` of at most eight statements however many outcomes, each binding a handful of
 * values (the ids and per-row errors go as one JSON parameter): D1 runs no interactive
 * transaction and binds at most 100 values per statement. So the counters cannot be added up
 * from affected-row counts in code between statements; instead each UPDATE stamps the rows it
 * changed with this flush's own random id (`outcome_batch`), and the last statement counts
 * the stamped rows by status. That is exact on every database, concurrent flushes included
 * (SQLite's changes() would be too, but PostgreSQL has nothing like it).
 */
export async function recordOutcomes(db: Db, sendId: number, outcomes: Outcomes, now: string, messageIds: MessageIdScope): Promise<SendStatus | undefined> {
  const batch = crypto.randomUUID();
  // Matched by primary key only (the ids were claimed for this send): with `send_id = ?` in the
  // WHERE, PostgreSQL read a fresh million-row send through the (send_id, status) index and
  // filtered, 320-820 ms per flush of 50 rows; by id it is an index probe per row.
  const settle = (status: DeliveryStatus) =>
    db.updateTable('deliveries').set({ status, lease_until: null, outcome_batch: batch }).where('deliveries.status', '=', 'pending');
  const withErrors = (rows: ReadonlyArray<{ id: number; error: string }>) =>
    jsonRows(db, byId(rows).map((r) => ({ delivery_id: r.id, error: r.error })), { delivery_id: 'bigint', error: 'text' }).as('o');
  const settleWithErrors = (status: DeliveryStatus, rows: ReadonlyArray<{ id: number; error: string }>) =>
    settle(status)
      .from(withErrors(rows))
      .set((eb) => ({ last_error: eb.ref('o.error') }))
      .whereRef('deliveries.id', '=', 'o.delivery_id');

  const queries: Compilable<unknown>[] = [];
  const { sent, skipped, failed, unknown, bounced, retry } = outcomes;
  if (sent.length > 0) {
    queries.push(settle('sent').set({ sent_at: now, last_error: null, message_id: mailingMessageIdSql(messageIds, sendId) }).where(idIn(db, 'deliveries.id', sent)));
  }
  if (skipped.length > 0) queries.push(settle('skipped').where(idIn(db, 'deliveries.id', skipped)));
  if (failed.length > 0) queries.push(settleWithErrors('failed', failed));
  if (unknown.length > 0) queries.push(settleWithErrors('unknown', unknown).set({ message_id: mailingMessageIdSql(messageIds, sendId) }));
  if (bounced.length > 0) {
    queries.push(settleWithErrors('bounced', bounced));
    queries.push(markBounced(db, [...new Set(bounced.map((b) => b.subscriberId))], now));
  }
  // Last, so that a delivery with a final outcome in the same flush keeps it.
  if (retry.length > 0) {
    const rows = byId(retry).map((r) => ({ delivery_id: r.id, at: r.at, error: r.error }));
    queries.push(
      db
        .updateTable('deliveries')
        .from(jsonRows(db, rows, { delivery_id: 'bigint', at: 'text', error: 'text' }).as('o'))
        .set((eb) => ({ next_attempt_at: eb.ref('o.at'), lease_until: null, last_error: eb.ref('o.error') }))
        .whereRef('deliveries.id', '=', 'o.delivery_id')
        .where('deliveries.status', '=', 'pending'),
    );
  }
  const settledIds = [...sent, ...skipped, ...[...failed, ...unknown, ...bounced].map((o) => o.id)];
  const changed = db
    .selectFrom('deliveries')
    .select((eb) => [
      settledAs(eb, ['sent']).as('sent'),
      settledAs(eb, ['failed', 'bounced']).as('failed'),
      settledAs(eb, ['skipped']).as('skipped'),
      settledAs(eb, ['unknown']).as('unknown'),
    ])
    .where(idIn(db, 'deliveries.id', settledIds))
    .where('deliveries.outcome_batch', '=', batch);
  // Also tells the worker whether the send is still sending (an editor may have paused it).
  queries.push(
    db
      .updateTable('sends')
      .from(changed.as('c'))
      .set((eb) => ({
        sent: eb('sends.sent', '+', eb.ref('c.sent')),
        failed: eb('sends.failed', '+', eb.ref('c.failed')),
        skipped: eb('sends.skipped', '+', eb.ref('c.skipped')),
        unknown: eb('sends.unknown', '+', eb.ref('c.unknown')),
        updated_at: now,
      }))
      .where('sends.id', '=', sendId)
      .returning('sends.status'),
  );
  const results = await atomicBatch(db, queries);
  return (results.at(-1)!.rows[0] as { status: SendStatus } | undefined)?.status;
}
