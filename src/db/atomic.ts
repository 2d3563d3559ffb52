import type { Compilable, CompiledQuery, DatabaseConnection, QueryResult } from 'kysely';
import type { Db } from './database.js';

/**
 * The storage port's unit of atomic work: the writes made through `trx` inside `work` commit
 * together or not at all. The domain opens one through this function only, never through the
 * database's own API. It is a transaction on SQLite (BEGIN IMMEDIATE) and PostgreSQL.
 *
 * D1 has no interactive transactions: `work` reads and acts on what it read, which no batch can
 * express, so on D1 its statements run one after another, each atomic alone. Every unit whose
 * partial effect would be wrong uses `atomicBatch` instead, which is atomic on every runtime;
 * `atomic` is left to group commit and CSV import batches, whose comments say why.
 */
export function atomic<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(work);
}

/** A connection that runs several statements as one atomic batch of its own (D1's `batch()`). */
export interface BatchingConnection extends DatabaseConnection {
  executeBatch(queries: readonly CompiledQuery[]): Promise<QueryResult<unknown>[]>;
}

const isBatching = (connection: DatabaseConnection): connection is BatchingConnection =>
  typeof (connection as Partial<BatchingConnection>).executeBatch === 'function';

/**
 * Runs `queries` in order as one unit and returns each one's result. Every decision is taken by
 * the statements themselves (conditional WHERE, INSERT … SELECT, RETURNING read afterwards),
 * so the unit has the same shape on every runtime: a transaction on SQLite and PostgreSQL, one
 * `batch()` on D1. Later statements see the effects of earlier ones.
 */
export async function atomicBatch(db: Db, queries: readonly Compilable<unknown>[]): Promise<QueryResult<unknown>[]> {
  const compiled = queries.map((q) => q.compile());
  if (compiled.length === 0) return [];
  const direct = await db.getExecutor().provideConnection(async (connection) => (isBatching(connection) ? connection.executeBatch(compiled) : undefined));
  if (direct) return direct;
  return db.transaction().execute((trx) => inOrder(trx, compiled));
}

/**
 * `atomicBatch` for a unit that may already run inside a transaction it was handed (group
 * commit): there, running the statements in order on it is the same unit, since they commit
 * or roll back with it; anywhere else it is `atomicBatch`.
 */
export function atomicBatchWithin(db: Db, queries: readonly Compilable<unknown>[]): Promise<QueryResult<unknown>[]> {
  return db.isTransaction ? inOrder(db, queries.map((q) => q.compile())) : atomicBatch(db, queries);
}

async function inOrder(db: Db, compiled: readonly CompiledQuery[]): Promise<QueryResult<unknown>[]> {
  const results: QueryResult<unknown>[] = [];
  for (const query of compiled) results.push(await db.executeQuery(query));
  return results;
}
