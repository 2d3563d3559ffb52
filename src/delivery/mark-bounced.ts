import type { Db } from '../db/database.js';
import { idIn } from '../db/id-list.js';

/**
 * A permanent refusal of these addresses, from any kind of mail: the readers are marked bounced,
 * so no later send or confirmation goes to them. Readers already bounced or complained stay as
 * they are. Returned unexecuted, to run in the same `atomicBatch` as the outcomes that found it.
 */
export function markBounced(db: Db, subscriberIds: readonly number[], now: string) {
  return db
    .updateTable('subscribers')
    .set({ status: 'bounced', updated_at: now })
    .where(idIn(db, 'id', subscriberIds))
    .where('status', 'in', ['pending', 'active', 'unsubscribed']);
}
