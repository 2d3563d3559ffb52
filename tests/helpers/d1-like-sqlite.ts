import SQLite from 'better-sqlite3';
import { Kysely, SqliteAdapter, SqliteDialect, SqliteDriver, SqliteIntrospector, SqliteQueryCompiler } from 'kysely';
import { D1Adapter } from '../../src/db/d1-adapter.js';
import { D1Dialect, type D1Like, type D1ResultLike, type D1StatementLike } from '../../src/db/d1-dialect.js';
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

export interface D1OverSqlite {
  db: Kysely<Database>;
  /** The SQL of each statement D1 ran on its own (outside any batch), in order. */
  alone: string[];
  /** The SQL of each `batch()`'s statements, one array per batch, in order. */
  batches: string[][];
  /** How many values each statement run so far bound, in order, in batches or alone. */
  boundParameters: number[];
}

/** D1's limit, which this fake enforces as D1 does: the statement is refused. */
const D1_MAX_BOUND = 100;

/**
 * Kysely through our D1 dialect (so `atomic` runs statements one by one and `atomicBatch` calls
 * `batch()`, as on D1) over a migrated in-memory SQLite that plays the D1 binding: it records
 * which statements ran alone and which in each batch, runs a batch as one transaction, and
 * refuses a statement binding more than 100 values. What a unit sends D1 can be read on Node.
 */
export async function openD1OverSqlite(): Promise<D1OverSqlite> {
  const sqlite = new SQLite(':memory:');
  sqlite.pragma('foreign_keys = ON');
  // Our D1 dialect has no introspector, which Kysely's Migrator needs: migrate through SQLite's.
  const migrating = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  await migrateToLatest(migrating);
  const recorded: Omit<D1OverSqlite, 'db'> = { alone: [], batches: [], boundParameters: [] };

  interface Statement extends D1StatementLike {
    sql: string;
    values: unknown[];
  }
  const run = ({ sql, values }: Statement): D1ResultLike => {
    recorded.boundParameters.push(values.length);
    if (values.length > D1_MAX_BOUND) throw new Error('too many SQL variables');
    const prepared = sqlite.prepare(sql);
    if (prepared.reader) return { results: prepared.all(...values), meta: {} };
    const { changes, lastInsertRowid } = prepared.run(...values);
    return { results: [], meta: { changes, last_row_id: Number(lastInsertRowid) } };
  };
  const statement = (sql: string, values: unknown[]): Statement => ({
    sql,
    values,
    bind: (...bound) => statement(sql, bound),
    all: async () => {
      recorded.alone.push(sql);
      return run(statement(sql, values));
    },
  });
  const d1: D1Like = {
    prepare: (sql) => statement(sql, []),
    batch: async (statements) => {
      const all = statements as Statement[];
      recorded.batches.push(all.map((s) => s.sql));
      return sqlite.transaction(() => all.map(run))();
    },
  };
  return { db: new Kysely<Database>({ dialect: new D1Dialect(d1) }), ...recorded };
}
