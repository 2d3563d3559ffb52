import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import { isPostgresUrl, openPostgres } from './postgres.js';
import { openSqlite } from './sqlite.js';

/** Opens the database that DATABASE_URL names: `postgres://` is PostgreSQL, a path or `file:` URL is SQLite. */
export function openDatabase(url: string): Kysely<Database> {
  return isPostgresUrl(url) ? openPostgres(url) : openSqlite(url);
}
