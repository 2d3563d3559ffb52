import type { Deps } from '../deps.js';
import { notSuppressed } from '../suppressions/exclude-suppressed.js';

/**
 * How many readers a mailing started now would go to: active subscribers off the suppression
 * list, by the same filter as the snapshot in start-send.ts, so the number an editor confirms
 * is the total the send gets (unless someone joins or leaves in between).
 */
export async function countAudience(deps: Pick<Deps, 'db'>): Promise<number> {
  const row = await deps.db
    .selectFrom('subscribers')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('subscribers.status', '=', 'active')
    .where(notSuppressed)
    .executeTakeFirstOrThrow();
  // PostgreSQL's count is a bigint, which its driver hands over as a string.
  return Number(row.n);
}
