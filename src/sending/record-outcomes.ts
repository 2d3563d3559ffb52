import { atomic } from '../db/atomic.js';
import type { Db, SendStatus } from '../db/database.js';
import { markBounced } from '../delivery/mark-bounced.js';
import { mailingMessageIdSql, type MessageIdScope } from '../mail/message-id.js';

/** Outcomes collected in memory and written in one transaction: one commit per flush, not per message. */
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

const CHUNK = 500;

/**
 * Writes a batch of outcomes and moves the send's counters by what actually changed; returns
 * the send's status. Every
 * update requires the row to be still pending, so a delivery sent twice (a lease that ran out
 * while its worker was still busy) is counted once.
 */
export async function recordOutcomes(db: Db, sendId: number, outcomes: Outcomes, now: string, messageIds: MessageIdScope): Promise<SendStatus | undefined> {
  return atomic(db, async (trx) => {
    // Matched by primary key only (the ids were claimed for this send): with `send_id = ?` in the
    // WHERE, PostgreSQL read a fresh million-row send through the (send_id, status) index and
    // filtered, 320-820 ms per flush of 50 rows; by id it is an index probe per row.
    const pending = () => trx.updateTable('deliveries').where('status', '=', 'pending');
    let sent = 0;
    let failed = 0;
    let skipped = 0;
    let unknown = 0;
    for (let i = 0; i < outcomes.sent.length; i += CHUNK) {
      const ids = outcomes.sent.slice(i, i + CHUNK);
      const result = await pending()
        .set({
          status: 'sent',
          sent_at: now,
          lease_until: null,
          last_error: null,
          message_id: mailingMessageIdSql(messageIds, sendId),
        })
        .where('id', 'in', ids)
        .executeTakeFirst();
      sent += Number(result.numUpdatedRows);
    }
    for (let i = 0; i < outcomes.skipped.length; i += CHUNK) {
      const result = await pending().set({ status: 'skipped', lease_until: null }).where('id', 'in', outcomes.skipped.slice(i, i + CHUNK)).executeTakeFirst();
      skipped += Number(result.numUpdatedRows);
    }
    for (const f of outcomes.failed) {
      const result = await pending().set({ status: 'failed', lease_until: null, last_error: f.error }).where('id', '=', f.id).executeTakeFirst();
      failed += Number(result.numUpdatedRows);
    }
    for (const u of outcomes.unknown) {
      const result = await pending()
        .set({ status: 'unknown', lease_until: null, last_error: u.error, message_id: mailingMessageIdSql(messageIds, sendId) })
        .where('id', '=', u.id)
        .executeTakeFirst();
      unknown += Number(result.numUpdatedRows);
    }
    for (const b of outcomes.bounced) {
      const result = await pending().set({ status: 'bounced', lease_until: null, last_error: b.error }).where('id', '=', b.id).executeTakeFirst();
      failed += Number(result.numUpdatedRows);
      await markBounced(trx, b.subscriberId, now);
    }
    for (const r of outcomes.retry) {
      await pending().set({ next_attempt_at: r.at, lease_until: null, last_error: r.error }).where('id', '=', r.id).execute();
    }
    // Also tells the worker whether the send is still sending (an editor may have paused it).
    const send = await trx
      .updateTable('sends')
      .set((eb) => ({ sent: eb('sent', '+', sent), failed: eb('failed', '+', failed), skipped: eb('skipped', '+', skipped), unknown: eb('unknown', '+', unknown), updated_at: now }))
      .where('id', '=', sendId)
      .returning('status')
      .executeTakeFirst();
    return send?.status;
  });
}
