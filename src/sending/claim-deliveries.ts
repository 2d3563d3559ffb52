import type { Db } from '../db/database.js';
import { claimLeased, releaseLeased } from '../jobs/claims.js';

export interface ClaimedDelivery {
  id: number;
  subscriber_id: number | null;
  attempts: number;
}

/**
 * Takes up to `limit` due deliveries of one send with a lease, for the worker `workerId`. A
 * worker that dies keeps its claims only until its heartbeat is seen to stop (or, at the latest,
 * its lease runs out); then any worker takes them again.
 */
export async function claimDeliveries(db: Db, sendId: number, limit: number, now: Date, leaseMs: number, workerId: string): Promise<ClaimedDelivery[]> {
  const rows = await claimLeased(
    db,
    {
      table: 'deliveries',
      // In the same statement, so a pause or cancel that commits first stops the claim.
      scope: (eb) =>
        eb.and([eb('send_id', '=', sendId), eb.exists(eb.selectFrom('sends').select('sends.id').where('sends.id', '=', sendId).where('sends.status', '=', 'sending'))]),
      limit,
      now,
      leaseMs,
      workerId,
    },
    ['id', 'subscriber_id', 'attempts'],
  );
  // RETURNING order is not guaranteed; keep id order so a send goes out in subscription order.
  return rows.sort((a, b) => a.id - b.id);
}

/** Whether a send still has deliveries to make (due now or waiting for a retry). */
export async function hasPendingDeliveries(db: Db, sendId: number): Promise<boolean> {
  const row = await db.selectFrom('deliveries').select('id').where('send_id', '=', sendId).where('status', '=', 'pending').limit(1).executeTakeFirst();
  return row !== undefined;
}

export const releaseDeliveries = (db: Db, ids: number[]) => releaseLeased(db, 'deliveries', ids);
