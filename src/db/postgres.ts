import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';

/** int8, and numeric results of sum() over int8: every id and count we store fits a double. */
const INT8 = 20;
const NUMERIC = 1700;

function toSafeNumber(text: string): number {
  const n = Number(text);
  // A value past 2^53 would silently turn into a neighbour: a link signed for one reader would
  // point at another. Refuse it instead.
  if (Number.isInteger(n) && !Number.isSafeInteger(n)) throw new RangeError(`Integer beyond 2^53: ${text}`);
  return n;
}

/**
 * Ids and counts come back as numbers, as on SQLite. node-postgres returns int8 as a string by
 * default, and `"123"` signed into a token or compared with `===` points a link at the wrong
 * reader. The parsers are set on this pool only, not on pg's global registry.
 */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return toSafeNumber;
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

export interface PostgresOptions {
  /** Connections in the pool; the worker and the HTTP server share it. */
  poolSize?: number;
}

/** Opens a pooled PostgreSQL database for `postgres://` and `postgresql://` URLs. */
export function openPostgres(url: string, options: PostgresOptions = {}): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, types });
  // An idle client losing its connection (a server restart) emits here; the pool replaces it.
  pool.on('error', () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//.test(url);
