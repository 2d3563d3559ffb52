import type { Db } from '../db/database.js';

/**
 * A permanent refusal of an address, from any kind of mail: the reader is marked bounced, so no
 * later send or confirmation goes to it. Readers already bounced or complained stay as they are.
 */
export async function markBounced(db: Db, subscriberId: number, now: string): Promise<void> {
  await db
    .updateTable('subscribers')
    .set({ status: 'bounced', updated_at: now })
    .where('id', '=', subscriberId)
    .where('status', 'in', ['pending', 'active', 'unsubscribed'])
    .execute();
}
