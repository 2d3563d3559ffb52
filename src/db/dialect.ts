import { PostgresAdapter, type Compilable, type Kysely } from 'kysely';
import { D1Adapter } from './d1-adapter.js';

export type DialectName = 'sqlite' | 'postgres';

/**
 * What differs between the databases we run on, in one place. The domain asks these questions
 * instead of testing for a database itself. D1 answers like SQLite.
 */
export function dialectOf(db: Kysely<any>): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * Whether concurrent writers can interleave inside a transaction. SQLite (BEGIN IMMEDIATE) and
 * D1 run one writer at a time, so a conditional statement sees every earlier commit; PostgreSQL
 * under READ COMMITTED does not, and needs a row lock before a read-then-write decision.
 */
export const writersInterleave = (db: Kysely<any>) => dialectOf(db) === 'postgres';

/** Whether `db` is Cloudflare D1: SQLite's language, with D1's limits and no interactive transactions. */
export const isD1 = (db: Kysely<any>) => db.getExecutor().adapter instanceof D1Adapter;

/**
 * The most values one statement may bind: D1 refuses a 101st ("too many SQL variables");
 * SQLite's own limit is 32,766 and PostgreSQL's 65,535. Long id lists go as one JSON parameter
 * instead (see id-list.ts), so this bounds only multi-row INSERTs and the like.
 */
export const maxBindParameters = (db: Kysely<any>) => (isD1(db) ? 100 : dialectOf(db) === 'postgres' ? 65_535 : 32_766);

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

function errorMessage(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : '';
}

// SQLite via better-sqlite3 reports codes; D1 only messages; PostgreSQL SQLSTATEs.
export const isUniqueViolation = (error: unknown) =>
  ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY', '23505'].includes(errorCode(error)) || errorMessage(error).includes('UNIQUE constraint failed');

export const isForeignKeyViolation = (error: unknown) =>
  ['SQLITE_CONSTRAINT_FOREIGNKEY', '23503'].includes(errorCode(error)) || errorMessage(error).includes('FOREIGN KEY constraint failed');

/** Another writer holds the lock (SQLite) or the transaction lost a race it may retry (PostgreSQL). */
export const isBusy = (error: unknown) => /^SQLITE_BUSY/.test(errorCode(error)) || ['40001', '40P01'].includes(errorCode(error));

/**
 * Before a read-then-write decision about one subscriber inside a transaction: on PostgreSQL,
 * locks their row so that a concurrent transaction making the same decision waits for this one
 * and then sees its writes (each statement under READ COMMITTED reads the latest commits).
 * Elsewhere writers already run one at a time.
 */
export async function lockSubscriber(db: Kysely<any>, id: number): Promise<void> {
  for (const lock of subscriberLock(db, id)) await db.executeQuery(lock);
}

/**
 * lockSubscriber's statement, if any, for the head of an atomicBatch whose later statements all
 * check that the subscriber is still as read: with the row locked, none of them can see it change.
 */
export function subscriberLock(db: Kysely<any>, id: number): Compilable<unknown>[] {
  return writersInterleave(db) ? [db.selectFrom('subscribers').select('id').where('id', '=', id).forUpdate()] : [];
}
