import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { NotFound } from '../errors.js';
import { addressSuppression } from '../suppressions/suppression-value.js';

export interface Erasure {
  id: number;
  erased: true;
  /** Whether the address's hash stays on the suppression list (it bounced, complained or was suppressed). */
  suppression_kept: boolean;
}

/**
 * Honours an erasure request. The subscriber row goes, and with it (by foreign key) their tags,
 * queued mail and bounce history; deliveries keep their counts but lose the link. An address
 * that must stay unmailable keeps only its hash on the suppression list.
 */
export async function eraseSubscriber(deps: Pick<Deps, 'db' | 'clock'>, id: number): Promise<Erasure> {
  const now = iso(deps.clock.now());
  return deps.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('subscribers').select(['email_normalized', 'status']).where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFound(`No subscriber with id ${id}`);
    const entry = addressSuppression(row.email_normalized);
    let kept: boolean;
    if (row.status === 'bounced' || row.status === 'complained') {
      await trx
        .insertInto('suppressions')
        .values({ kind: 'address', value: null, value_hash: entry.hash, reason: row.status === 'complained' ? 'complaint' : 'bounce', created_at: now })
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
