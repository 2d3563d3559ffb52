import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type SqliteDatabase, type SqliteStatement } from 'kysely';
import type { Database } from './database.js';
import { ImmediateSqliteDialect } from './immediate-sqlite-dialect.js';

/** Opens (creating if needed) a SQLite database tuned for one writer and many readers. */
export function openSqlite(path: string): Kysely<Database> {
  const file = path.startsWith('file:') ? new URL(path).pathname : path;
  if (file !== ':memory:') createPrivately(file);
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  // WAL + NORMAL stays durable across process crashes; only an OS crash can drop the last commits.
  sqlite.pragma('synchronous = NORMAL');
  // Each checkpoint fsyncs twice on the event loop's thread. At the default (every 1000 pages,
  // ~170 subscribes) p99 commit latency was 3-5 ms on a 2-core VM; fewer, larger checkpoints
  // (WAL up to ~40 MB) brought it to 0.1-2.7 ms.
  sqlite.pragma('wal_autocheckpoint = 10000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }) });
}

/**
 * The database holds every reader's address and consent record, so only the owner may read it.
 * SQLite gives the -wal and -shm files the mode of the database file, so creating that file
 * 0600 before SQLite opens it covers all three. An existing file keeps the mode its operator chose.
 */
function createPrivately(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query afresh, and for a small INSERT SQLite's parsing and planning cost
 * more than running it. Our queries come in a bounded set of shapes, so prepared statements are
 * kept by SQL text. Sharing one is safe: Kysely runs one query at a time on the connection.
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      let statement = cache.get(sql);
      if (!statement) {
        statement = sqlite.prepare(sql);
        // Oldest first out: shapes that vary (IN lists of many lengths) cannot grow it forever.
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}
