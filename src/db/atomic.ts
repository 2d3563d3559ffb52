import type { Db } from './database.js';

/**
 * The storage port's unit of atomic work: the writes made through `trx` inside `work` commit
 * together or not at all. The domain opens one through this function only, never through the
 * database's own API, so that each runtime can give it the strongest form it has: a transaction
 * on SQLite (BEGIN IMMEDIATE) and PostgreSQL, and on D1 a `batch()` of the writes.
 *
 * What a D1 batch needs from callers: a decision that depends on what is in the database is taken
 * by the database, in a conditional statement (INSERT … SELECT … WHERE NOT EXISTS, UPDATE … WHERE
 * status = …), not by JavaScript between a read and a write. Those statements are also what
 * keeps racing requests apart on PostgreSQL, where writers interleave. Several callers still
 * read inside the unit and act on the answer (confirm, create, update and erase a subscriber,
 * publish, record a bounce); docs/design-notes.md lists them for the D1 work.
 */
export function atomic<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(work);
}
