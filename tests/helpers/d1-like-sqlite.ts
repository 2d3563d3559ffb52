import SQLite from 'better-sqlite3';
import { Kysely, SqliteAdapter, SqliteDriver, SqliteIntrospector, SqliteQueryCompiler } from 'kysely';
import { D1Adapter } from '../../src/db/d1-adapter.js';
import type { Database } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';

export interface D1LikeSqlite {
  db: Kysely<Database>;
  /** How many values each statement run so far bound, in order. */
  boundParameters: number[];
}

/**
 * A migrated in-memory SQLite that answers `isD1` (its adapter is D1's), so the domain applies
 * D1's limits to it, and that records what every statement binds: on Node the 100-parameter
 * limit can be checked without workerd. It still has transactions, unlike D1. With
 * `likeD1: false` it is plain SQLite, recording the same: the control that shows the limit bites.
 */
export async function openD1LikeSqlite({ likeD1 = true } = {}): Promise<D1LikeSqlite> {
  const sqlite = new SQLite(':memory:');
  sqlite.pragma('foreign_keys = ON');
  const boundParameters: number[] = [];
  const db = new Kysely<Database>({
    dialect: {
      createAdapter: () => (likeD1 ? new D1Adapter() : new SqliteAdapter()),
      createDriver: () => new SqliteDriver({ database: sqlite }),
      createQueryCompiler: () => new SqliteQueryCompiler(),
      createIntrospector: (kysely) => new SqliteIntrospector(kysely),
    },
    // Failed statements too: D1 refuses one that binds too many.
    log: (event) => {
      boundParameters.push(event.query.parameters.length);
    },
  });
  await migrateToLatest(db);
  boundParameters.length = 0;
  return { db, boundParameters };
}
