import { atomic } from '../db/atomic.js';
import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { NotFound } from '../errors.js';
import type { SubscriberStatus, SuppressionReason } from '../db/database.js';
import { addressSuppression } from '../suppressions/suppression-value.js';

/**
 * Statuses whose address must stay unmailable after erasure, and the reason recorded. An erased
 * reader who had left would otherwise come back as active with the next import of an old list;
 * the hash says "do not mail" without saying who. Pending readers never consented: nothing kept.
 */
const KEEP_SUPPRESSED: Partial<Record<SubscriberStatus, SuppressionReason>> = {
  bounced: 'bounce',
  complained: 'complaint',
  // The erasure request is the editor's act on the reader's behalf: a manual entry.
  unsubscribed: 'manual',
};

export interface Erasure {
  id: number;
  erased: true;
  /** Whether the address's hash stays on the suppression list (it unsubscribed, bounced, complained or was suppressed). */
  suppression_kept: boolean;
}

/**
 * Honours an erasure request. The subscriber row goes, and with it (by foreign key) their tags,
 * queued mail and bounce history; deliveries keep their counts but lose the link. An address
 * that must stay unmailable (see KEEP_SUPPRESSED) keeps only its hash on the suppression list.
 */
export async function eraseSubscriber(deps: Pick<Deps, 'db' | 'clock'>, id: number): Promise<Erasure> {
  const now = iso(deps.clock.now());
  return atomic(deps.db, async (trx) => {
    const row = await trx.selectFrom('subscribers').select(['email_normalized', 'status']).where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFound(`No subscriber with id ${id}`);
    const entry = addressSuppression(row.email_normalized);
    const reason = KEEP_SUPPRESSED[row.status];
    let kept: boolean;
    if (reason) {
      await trx
        .insertInto('suppressions')
        .values({ kind: 'address', value: null, value_hash: entry.hash, reason, created_at: now })
        .onConflict((oc) => oc.columns(['kind', 'value_hash']).doUpdateSet({ value: null }))
        .execute();
      kept = true;
    } else {
      const listed = await trx
        .updateTable('suppressions')
        .set({ value: null })
        .where('kind', '=', 'address')
        .where('value_hash', '=', entry.hash)
        .returning('id')
        .executeTakeFirst();
      kept = listed !== undefined;
    }
    await trx.deleteFrom('subscribers').where('id', '=', id).execute();
    return { id, erased: true, suppression_kept: kept };
  });
}
