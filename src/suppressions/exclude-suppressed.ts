import { sql, type ExpressionBuilder } from 'kysely';
import type { Database } from '../db/database.js';

/**
 * True for a subscriber whose address and domain are both off the suppression list, for use in
 * any query over `subscribers`: `.where(notSuppressed)`.
 *
 * Entries reduced to a hash (their owner was erased) are not matched here: no subscriber row
 * can carry that address unless someone removed the entry, because every way in (subscribe,
 * admin create, import) checks the hash first.
 */
export function notSuppressed(eb: ExpressionBuilder<Database, 'subscribers'>) {
  return eb.and([
    eb.not(
      eb.exists(
        eb
          .selectFrom('suppressions')
          .select(sql.lit(1).as('one'))
          .where('suppressions.kind', '=', 'address')
          .whereRef('suppressions.value', '=', 'subscribers.email_normalized'),
      ),
    ),
    eb.not(
      eb.exists(
        eb
          .selectFrom('suppressions')
          .select(sql.lit(1).as('one'))
          .where('suppressions.kind', '=', 'domain')
          // Domains are validated to [a-z0-9.-], so they carry no LIKE wildcards.
          .where(sql<boolean>`${sql.ref('subscribers.email_normalized')} like ('%@' || ${sql.ref('suppressions.value')})`),
      ),
    ),
  ]);
}
