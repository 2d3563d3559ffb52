import { Kysely, PostgresDialect, PostgresIntrospector, sql, type DatabaseIntrospector, type DatabaseMetadataOptions, type TableMetadata } from 'kysely';
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
  return new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool }) });
}

export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//.test(url);

/**
 * Kysely's PostgreSQL introspector reads the tables and columns of every schema in the
 * database, and its migrator runs it at every start. With one publication per schema (or a
 * test suite with hundreds of them) each start grew slower with every schema; ours reads the
 * schema in use only, which is also the only one a publication should see.
 */
class CurrentSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}

interface ColumnRow {
  table_name: string;
  table_type: string;
  column_name: string;
  udt_name: string;
  udt_schema: string;
  is_nullable: string;
  column_default: string | null;
}

class CurrentSchemaIntrospector extends PostgresIntrospector {
  readonly #db: Kysely<any>;

  constructor(db: Kysely<any>) {
    super(db);
    this.#db = db;
  }

  override async getTables(options: DatabaseMetadataOptions = { withInternalKyselyTables: false }): Promise<TableMetadata[]> {
    const { rows } = await sql<ColumnRow & { schema: string }>`
      select c.table_schema as schema, c.table_name, t.table_type, c.column_name, c.udt_name, c.udt_schema, c.is_nullable, c.column_default
      from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = current_schema()
      order by c.table_name, c.ordinal_position`.execute(this.#db);
    const tables = new Map<string, TableMetadata & { columns: TableMetadata['columns'][number][] }>();
    for (const row of rows) {
      if (!options.withInternalKyselyTables && row.table_name.startsWith('kysely_migration')) continue;
      let table = tables.get(row.table_name);
      if (!table) {
        table = { name: row.table_name, schema: row.schema, isView: row.table_type === 'VIEW', columns: [] };
        tables.set(row.table_name, table);
      }
      table.columns.push({
        name: row.column_name,
        dataType: row.udt_name,
        dataTypeSchema: row.udt_schema,
        isNullable: row.is_nullable === 'YES',
        hasDefaultValue: row.column_default !== null,
        isAutoIncrementing: row.column_default?.startsWith('nextval(') ?? false,
      });
    }
    return [...tables.values()];
  }
}
