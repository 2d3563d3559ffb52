import {
  CompiledQuery,
  SqliteQueryCompiler,
  type DatabaseIntrospector,
  type Dialect,
  type Driver,
  type QueryResult,
} from 'kysely';
import type { BatchingConnection } from './atomic.js';
import { D1Adapter } from './d1-adapter.js';

/**
 * The subset of Cloudflare's D1 binding this dialect uses, declared here (as Kysely's SQLite
 * dialect declares the better-sqlite3 it needs) so nothing outside the Worker entry depends on
 * Workers' types.
 */
export interface D1Like {
  prepare(sql: string): D1StatementLike;
  batch(statements: D1StatementLike[]): Promise<D1ResultLike[]>;
}
export interface D1StatementLike {
  bind(...values: unknown[]): D1StatementLike;
  all(): Promise<D1ResultLike>;
}
export interface D1ResultLike {
  results?: unknown[];
  meta: { changes?: number; last_row_id?: number };
}

/**
 * Kysely over D1, built from the same four pieces as Kysely's own SqliteDialect. Two things
 * differ from SQLite. D1 refuses BEGIN, so a Kysely transaction runs its statements one by one
 * (see atomic.ts for what the domain does about that), while `atomicBatch` reaches D1's atomic
 * `batch()` through `executeBatch`. And there is no introspection (see below).
 */
export class D1Dialect implements Dialect {
  constructor(private readonly d1: D1Like) {}
  createAdapter = () => new D1Adapter();
  createDriver = (): Driver => new D1Driver(this.d1);
  createQueryCompiler = () => new SqliteQueryCompiler();
  createIntrospector = (): DatabaseIntrospector => new D1Introspector();
}

class D1Driver implements Driver {
  constructor(private readonly d1: D1Like) {}
  async init() {}
  async acquireConnection() {
    return new D1Connection(this.d1);
  }
  // No interactive transactions on D1: the statements of a unit run as they come.
  async beginTransaction() {}
  async commitTransaction() {}
  async rollbackTransaction() {}
  async releaseConnection() {}
  async destroy() {}
}

// D1 binds strings, numbers, null and bytes; Kysely may hand it booleans and undefined.
const bindable = (value: unknown) => (value === undefined ? null : typeof value === 'boolean' ? Number(value) : typeof value === 'bigint' ? Number(value) : value);

function toQueryResult(result: D1ResultLike): QueryResult<unknown> {
  const changes = result.meta.changes ?? 0;
  return {
    rows: result.results ?? [],
    numAffectedRows: BigInt(changes),
    insertId: changes > 0 && result.meta.last_row_id !== undefined ? BigInt(result.meta.last_row_id) : undefined,
  };
}

class D1Connection implements BatchingConnection {
  constructor(private readonly d1: D1Like) {}

  private prepare(query: CompiledQuery): D1StatementLike {
    return this.d1.prepare(query.sql).bind(...query.parameters.map(bindable));
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return toQueryResult(await this.prepare(query).all()) as QueryResult<R>;
  }

  async executeBatch(queries: readonly CompiledQuery[]): Promise<QueryResult<unknown>[]> {
    return (await this.d1.batch(queries.map((q) => this.prepare(q)))).map(toQueryResult);
  }

  // D1 returns whole results; a stream of one chunk keeps Kysely's `stream()` working.
  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    yield await this.executeQuery<R>(query);
  }
}

// Kysely's SQLite introspector reads every table's columns, and D1's internal `_cf_*` tables
// refuse that (kysely-d1's Migrator failed on them with SQLITE_AUTH). Nothing of ours needs to
// introspect D1: its schema comes from `wrangler d1 migrations apply` (migrations/d1).
class D1Introspector implements DatabaseIntrospector {
  private refuse(): never {
    throw new Error('D1 is not introspected: its schema is applied by `wrangler d1 migrations apply` from migrations/d1');
  }
  getSchemas = async () => this.refuse();
  getTables = async () => this.refuse();
  getMetadata = async () => this.refuse();
}
