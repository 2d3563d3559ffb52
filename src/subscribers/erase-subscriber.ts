import { sql } from 'kysely';
import { atomicBatch } from '../db/atomic.js';
import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { NotFound } from '../errors.js';
import type { SubscriberStatus, SuppressionKind, SuppressionReason } from '../db/database.js';
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
 *
 * One atomicBatch, so on D1 too an erasure is whole or not at all: a half-done one would leave
 * personal data behind, or the clear text of a suppressed address. The read before it only finds
 * the address to hash (an address never changes); the status that decides what is kept is read
 * by the batch's own INSERT … SELECT, so a bounce recorded meanwhile is honoured.
 */
export async function eraseSubscriber(deps: Pick<Deps, 'db' | 'clock'>, id: number): Promise<Erasure> {
  const { db } = deps;
  const now = iso(deps.clock.now());
  const row = await db.selectFrom('subscribers').select('email_normalized').where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound(`No subscriber with id ${id}`);
  const { hash } = addressSuppression(row.email_normalized);
  const keptReason = sql<SuppressionReason>`case ${sql.ref('status')} ${sql.join(
    Object.entries(KEEP_SUPPRESSED).map(([status, reason]) => sql`when ${status} then ${reason}`),
    sql` `,
  )} end`;
  const [, listed, erased] = await atomicBatch(db, [
    db
      .insertInto('suppressions')
      .columns(['kind', 'value', 'value_hash', 'reason', 'created_at'])
      .expression(
        db
          .selectFrom('subscribers')
          .select((eb) => [eb.val<SuppressionKind>('address').as('kind'), sql<null>`null`.as('value'), eb.val(hash).as('value_hash'), keptReason.as('reason'), eb.val(now).as('created_at')])
          .where('id', '=', id)
          .where('status', 'in', Object.keys(KEEP_SUPPRESSED) as SubscriberStatus[]),
      )
      .onConflict((oc) => oc.columns(['kind', 'value_hash']).doUpdateSet({ value: null })),
    // Whether kept by the statement above or listed already, only the hash stays.
    db.updateTable('suppressions').set({ value: null }).where('kind', '=', 'address').where('value_hash', '=', hash).returning('id'),
    db.deleteFrom('subscribers').where('id', '=', id).returning('id'),
  ]);
  // Erased meanwhile by another request: that one answered for it.
  if (erased!.rows.length === 0) throw new NotFound(`No subscriber with id ${id}`);
  return { id, erased: true, suppression_kept: listed!.rows.length > 0 };
}
