import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import { openSqlite } from './sqlite.js';

/** Opens the database that DATABASE_URL names: a path or `file:` URL is SQLite. */
export function openDatabase(url: string): Kysely<Database> {
  if (/^postgres(ql)?:\/\//.test(url)) {
    throw new Error('DATABASE_URL: PostgreSQL is not supported by this build yet; use a SQLite path');
  }
  return openSqlite(url);
}
