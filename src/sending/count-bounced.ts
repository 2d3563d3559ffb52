import type { Db } from '../db/database.js';

/**
 * Hard bounces per send. The send's `failed` count includes them (the API's contract); the desk
 * shows how many of those were addresses that do not exist, counted from the ledger because
 * the send row does not keep them apart. One grouped query over the (send, status) index.
 */
export async function countBounced(db: Db, sendIds: readonly number[]): Promise<Map<number, number>> {
  if (sendIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('deliveries')
    .select((eb) => ['send_id', eb.fn.countAll<number>().as('n')])
    .where('send_id', 'in', sendIds)
    .where('status', '=', 'bounced')
    .groupBy('send_id')
    .execute();
  return new Map(rows.map((r) => [r.send_id, Number(r.n)]));
}
