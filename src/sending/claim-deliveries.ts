import { addMs, iso } from '../clock.js';
import type { Db } from '../db/database.js';
import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../db/database.js';

export interface ClaimedDelivery {
  id: number;
  subscriber_id: number | null;
  attempts: number;
}

/**
 * Takes up to `limit` due deliveries of one send with a lease. A worker that dies keeps its
 * claims only until the lease runs out; then any worker takes them again. The same conditions
 * sit in the outer WHERE so two workers racing for a row cannot both win it.
 */
export async function claimDeliveries(db: Db, sendId: number, limit: number, now: Date, leaseMs: number): Promise<ClaimedDelivery[]> {
  const nowIso = iso(now);
  const due = (eb: ExpressionBuilder<Database, 'deliveries'>) =>
    eb.and([
      eb('send_id', '=', sendId),
      eb('status', '=', 'pending'),
      eb('next_attempt_at', '<=', nowIso),
      eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', nowIso)]),
      // In the same statement, so a pause or cancel that commits first stops the claim.
      eb.exists(eb.selectFrom('sends').select('sends.id').where('sends.id', '=', sendId).where('sends.status', '=', 'sending')),
    ]);
  const rows = await db
    .updateTable('deliveries')
    .set((eb) => ({ lease_until: iso(addMs(now, leaseMs)), attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', db.selectFrom('deliveries').select('id').where(due).orderBy('id').limit(limit))
    .where(due)
    .returning(['id', 'subscriber_id', 'attempts'])
    .execute();
  // RETURNING order is not guaranteed; keep id order so a send goes out in subscription order.
  return rows.sort((a, b) => a.id - b.id);
}

/** Whether a send still has deliveries to make (due now or waiting for a retry). */
export async function hasPendingDeliveries(db: Db, sendId: number): Promise<boolean> {
  const row = await db.selectFrom('deliveries').select('id').where('send_id', '=', sendId).where('status', '=', 'pending').limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * Gives back claimed rows that were never handed to SMTP, so any worker can take them at once;
 * the claim counted an attempt that was never made, so it is taken back.
 */
export async function releaseDeliveries(db: Db, ids: number[]): Promise<void> {
  await db
    .updateTable('deliveries')
    .set((eb) => ({ lease_until: null, attempts: eb('attempts', '-', 1) }))
    .where('id', 'in', ids)
    .where('status', '=', 'pending')
    .execute();
}
