import { sql, type ExpressionBuilder, type Expression, type Selectable, type SqlBool } from 'kysely';
import { addMs, iso } from '../clock.js';
import type { Database, Db } from '../db/database.js';
import { dialectOf } from '../db/dialect.js';
import { idIn } from '../db/id-list.js';
import { staleBefore } from './worker-presence.js';

/** The tables whose rows workers claim with a lease: mailings' deliveries and transactional mail. */
export type LeasedTable = 'deliveries' | 'mail_queue';

export interface ClaimRequest<T extends LeasedTable> {
  table: T;
  /** Narrows the rows (one send's deliveries), inside the same statement as the claim. */
  scope?: (eb: ExpressionBuilder<Database, T>) => Expression<SqlBool>;
  limit: number;
  now: Date;
  leaseMs: number;
  workerId: string;
}

/**
 * Due and held by nobody: never leased, lease run out, or leased by a worker whose heartbeat
 * stopped (see worker-presence.ts), so a crashed worker's rows come back within seconds.
 */
function claimable<T extends LeasedTable>(table: T, nowIso: string, staleIso: string) {
  return (eb: ExpressionBuilder<Database, LeasedTable>) =>
    eb.and([
      eb('status', '=', 'pending'),
      eb('next_attempt_at', '<=', nowIso),
      eb.or([
        eb('lease_until', 'is', null),
        eb('lease_until', '<=', nowIso),
        eb.not(
          eb.exists(
            eb
              .selectFrom('workers')
              .select('workers.id')
              .where('workers.id', '=', sql.ref<string>(`${table}.claimed_by`))
              .where('workers.heartbeat_at', '>', staleIso),
          ),
        ),
      ]),
    ]);
}

/**
 * Takes up to `limit` rows with a lease in one conditional UPDATE … RETURNING: the one way every
 * worker claims work, on every database. On PostgreSQL the candidates are picked with FOR UPDATE
 * SKIP LOCKED, so workers racing for a batch take different rows instead of queueing behind one
 * another; the same conditions sit in the outer WHERE so a row can never be won twice (on SQLite
 * and D1 writers run one at a time anyway).
 */
export async function claimLeased<T extends LeasedTable, R extends keyof Selectable<Database[T]> & string>(
  db: Db,
  request: ClaimRequest<T>,
  returning: readonly R[],
): Promise<Array<Pick<Selectable<Database[T]>, R>>> {
  const nowIso = iso(request.now);
  const free = claimable(request.table, nowIso, staleBefore(request.now));
  // One table's columns: the builders are typed on `deliveries`, which mail_queue mirrors here.
  const scope = request.scope as ((eb: ExpressionBuilder<Database, LeasedTable>) => Expression<SqlBool>) | undefined;
  const due = (eb: ExpressionBuilder<Database, LeasedTable>) => (scope ? eb.and([free(eb), scope(eb)]) : free(eb));
  const table = request.table as LeasedTable;
  const rows = await db
    // Picked once, in a materialised CTE: PostgreSQL re-runs an `IN (SELECT … LIMIT … FOR UPDATE
    // SKIP LOCKED)` for every outer row and, skipping the rows this very statement has updated,
    // ends up claiming every due row whatever the limit (1,500 of 1,500 with a limit of 200).
    .with(
      (cte) => cte('picked').materialized(),
      (qb) =>
        qb
          .selectFrom(table)
          .select('id')
          .where(due)
          .orderBy(table === 'deliveries' ? 'id' : 'next_attempt_at')
          .limit(request.limit)
          .$if(dialectOf(db) === 'postgres', (q) => q.forUpdate().skipLocked()),
    )
    .updateTable(table)
    .set((eb) => ({ lease_until: iso(addMs(request.now, request.leaseMs)), attempts: eb('attempts', '+', 1), claimed_by: request.workerId }))
    .where('id', 'in', (eb) => eb.selectFrom('picked').select('picked.id'))
    .where(due)
    .returning(returning as unknown as Array<'id'>)
    .execute();
  return rows as unknown as Array<Pick<Selectable<Database[T]>, R>>;
}

/**
 * Gives back claimed rows that were never handed to SMTP, so any worker can take them at once;
 * the claim counted an attempt that was never made, so it is taken back.
 */
export async function releaseLeased(db: Db, table: LeasedTable, ids: number[]): Promise<void> {
  await db
    .updateTable(table)
    .set((eb) => ({ lease_until: null, claimed_by: null, attempts: eb('attempts', '-', 1) }))
    .where(idIn(db, 'id', ids))
    .where('status', '=', 'pending')
    .execute();
}
