import { sql, type Kysely, type TableMetadata } from 'kysely';
import { migrations } from '../../migrations/index.js';
import { Conflict, Unprocessable } from '../errors.js';
import type { Db } from './database.js';
import { dialectOf } from './dialect.js';
import { migrateToLatest } from './migrate.js';

/** Rows read per page of the source. */
const PAGE_ROWS = 1000;
/** Bound parameters per INSERT: D1 allows 100, and the same code should run there. */
const MAX_PARAMETERS = 100;
/**
 * Tables the migrations fill themselves: 0006 writes a random `install_id` into meta. The
 * target's rows give way to the source's, so Message-IDs stay the same after a move.
 */
const FILLED_BY_MIGRATIONS = new Set(['meta']);

export interface TableCopy {
  table: string;
  /** Rows in the source's snapshot, and in the target after the copy. */
  sourceRows: number;
  targetRows: number;
  /** max(id) on both sides, for tables with an auto-incrementing id. */
  sourceMaxId: number | null;
  targetMaxId: number | null;
  /** Whether the target's id counter hands out ids past every id the source ever handed out. */
  counterCarried: boolean;
  matches: boolean;
}

export interface CopyReport {
  tables: TableCopy[];
  matches: boolean;
}

export interface CopyOptions {
  /** Called as each table is copied: rows done of the table's total. */
  onProgress?: (table: string, copied: number, total: number) => void;
}

interface TablePlan {
  name: string;
  columns: string[];
  key: string[];
  /** The auto-incrementing id column, whose counter moves to the target with the rows. */
  counter: string | undefined;
}

interface Snapshot {
  rows: number;
  maxId: number | null;
  /** The highest id the source's counter ever handed out: past max(id) when the last rows were deleted. */
  counterAt: number;
}

/**
 * Copies a whole publication into an empty database, SQLite or PostgreSQL either way, with every
 * id kept: signed unsubscribe links name subscriber ids, and delivery ids are in Message-IDs.
 * The source is read as one snapshot and never written; the target is migrated, then filled in
 * one transaction, so a failed copy leaves it empty. A target holding data is refused before
 * anything touches it. Rows are counted on both sides afterwards.
 */
export async function copyDatabase(source: Db, target: Db, options: CopyOptions = {}): Promise<CopyReport> {
  const from: Kysely<any> = source;
  const to: Kysely<any> = target;
  const fromSchema = await currentSchema(from);
  const toSchema = await currentSchema(to);

  const sourceTables = await tablesOf(from, fromSchema);
  await assertAtLatestMigration(from, fromSchema, sourceTables);
  await assertHoldsNoData(to, userTableNames(await tablesOf(to, toSchema)));
  await migrateToLatest(to);

  const plans = await planCopy(from, fromSchema, userTables(sourceTables));
  assertSameTables(plans, userTables(await tablesOf(to, toSchema)));

  const snapshots = await readSnapshot(from, (snapshot) =>
    to.transaction().execute(async (trx) => {
      // Checked again under the write: someone may have written between the first check and now.
      await assertHoldsNoData(trx, plans.map((p) => p.name));
      const taken = new Map<string, Snapshot>();
      for (const plan of plans) taken.set(plan.name, await copyTable(snapshot, trx, fromSchema, toSchema, plan, options));
      return taken;
    }),
  );

  const tables: TableCopy[] = [];
  for (const plan of plans) {
    const taken = snapshots.get(plan.name)!;
    const targetRows = await countRows(to, plan.name);
    const targetMaxId = plan.counter ? await maxOf(to, plan.name, plan.counter) : null;
    const counterCarried = plan.counter ? (await counterPosition(to, toSchema, plan.name, plan.counter)) >= taken.counterAt : true;
    const matches = targetRows === taken.rows && targetMaxId === taken.maxId && counterCarried;
    tables.push({ table: plan.name, sourceRows: taken.rows, targetRows, sourceMaxId: taken.maxId, targetMaxId, counterCarried, matches });
  }
  return { tables, matches: tables.every((t) => t.matches) };
}

async function copyTable(from: Kysely<any>, to: Kysely<any>, fromSchema: string | undefined, toSchema: string | undefined, plan: TablePlan, options: CopyOptions): Promise<Snapshot> {
  const rows = await countRows(from, plan.name);
  const maxId = plan.counter ? await maxOf(from, plan.name, plan.counter) : null;
  const counterAt = plan.counter ? Math.max(maxId ?? 0, await counterPosition(from, fromSchema, plan.name, plan.counter)) : 0;
  if (FILLED_BY_MIGRATIONS.has(plan.name)) await to.deleteFrom(plan.name).execute();

  const rowsPerInsert = Math.max(1, Math.floor(MAX_PARAMETERS / plan.columns.length));
  let copied = 0;
  let after: unknown[] | undefined;
  options.onProgress?.(plan.name, 0, rows);
  for (;;) {
    // Keyset pagination: each page starts after the last key read, so pages cost the same however far in.
    let page = from.selectFrom(plan.name).select(plan.columns);
    if (after) page = page.where(keyAfter(plan.key, after));
    for (const column of plan.key) page = page.orderBy(column);
    const batch: Record<string, unknown>[] = await page.limit(PAGE_ROWS).execute();
    for (let i = 0; i < batch.length; i += rowsPerInsert) await to.insertInto(plan.name).values(batch.slice(i, i + rowsPerInsert)).execute();
    copied += batch.length;
    options.onProgress?.(plan.name, copied, rows);
    if (batch.length < PAGE_ROWS) break;
    const last = batch[batch.length - 1]!;
    after = plan.key.map((column) => last[column]);
  }
  if (plan.counter && counterAt > 0) await setCounter(to, toSchema, plan.name, plan.counter, counterAt);
  return { rows, maxId, counterAt };
}

const keyAfter = (key: string[], values: unknown[]) => sql<boolean>`(${sql.join(key.map((k) => sql.ref(k)))}) > (${sql.join(values)})`;

async function countRows(db: Kysely<any>, table: string): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function maxOf(db: Kysely<any>, table: string, column: string): Promise<number | null> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.max(column).as('n'))
    .executeTakeFirstOrThrow();
  return row.n === null ? null : Number(row.n);
}

/**
 * Reads the whole source as of one moment. PostgreSQL: a read-only repeatable-read transaction.
 * SQLite: a deferred BEGIN, which reads one WAL snapshot without taking the write lock (our
 * dialect's transactions begin IMMEDIATE, which would stop the source's writers for the whole copy).
 */
async function readSnapshot<T>(db: Kysely<any>, read: (snapshot: Kysely<any>) => Promise<T>): Promise<T> {
  if (dialectOf(db) === 'postgres') return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(read);
  return db.connection().execute(async (connection) => {
    await sql`begin`.execute(connection);
    try {
      return await read(connection);
    } finally {
      await sql`rollback`.execute(connection);
    }
  });
}

async function currentSchema(db: Kysely<any>): Promise<string | undefined> {
  if (dialectOf(db) !== 'postgres') return undefined;
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  // No schema of search_path exists: tables would be looked for, and created, nowhere sensible.
  if (!schema) throw new Unprocessable('The PostgreSQL database has no schema to use: create the schema its search_path names first.');
  return schema;
}

/** The tables of this database: on PostgreSQL the introspector lists every schema's, so only the current one's. */
async function tablesOf(db: Kysely<any>, schema: string | undefined): Promise<TableMetadata[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  return tables.filter((t) => !t.isView && t.schema === schema);
}

const userTables = (tables: TableMetadata[]) => tables.filter((t) => !t.name.startsWith('kysely_'));
const userTableNames = (tables: TableMetadata[]) => userTables(tables).map((t) => t.name);

async function assertAtLatestMigration(db: Kysely<any>, schema: string | undefined, tables: TableMetadata[]): Promise<void> {
  if (!tables.some((t) => t.name === 'kysely_migration')) {
    throw new Unprocessable('The source is not a Broadsheet database: no migration was ever applied to it.');
  }
  const known = Object.keys(migrations);
  const rows = await (schema ? db.withSchema(schema) : db).selectFrom('kysely_migration').select('name').execute();
  const applied = rows.map((r) => r.name as string);
  const unknown = applied.filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new Unprocessable(`The source was migrated by a newer Broadsheet (${unknown.join(', ')}): copy it with that version.`);
  const pending = known.filter((name) => !applied.includes(name));
  if (pending.length > 0) {
    throw new Unprocessable(`The source is not at the latest migration (pending: ${pending.join(', ')}): run \`broadsheet migrate\` with DATABASE_URL set to it first.`);
  }
}

async function assertHoldsNoData(db: Kysely<any>, tables: string[]): Promise<void> {
  const held: string[] = [];
  for (const table of tables) {
    if (FILLED_BY_MIGRATIONS.has(table)) continue;
    const rows = await countRows(db, table);
    if (rows > 0) held.push(`${table} (${rows} ${rows === 1 ? 'row' : 'rows'})`);
  }
  if (held.length > 0) throw new Conflict(`The target already holds data: ${held.join(', ')}. copy-db only fills an empty database; nothing was changed.`);
}

/** The tables in an order where every table comes after the tables its foreign keys point at. */
async function planCopy(db: Kysely<any>, schema: string | undefined, tables: TableMetadata[]): Promise<TablePlan[]> {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const references = new Map<string, string[]>();
  for (const t of tables) references.set(t.name, await referencedTables(db, schema, t.name));

  const ordered: TablePlan[] = [];
  const placed = new Set<string>();
  while (placed.size < tables.length) {
    const ready = [...byName.keys()].filter((name) => !placed.has(name) && references.get(name)!.every((r) => placed.has(r)));
    if (ready.length === 0) {
      const stuck = [...byName.keys()].filter((name) => !placed.has(name));
      throw new Unprocessable(`Cannot order these tables by their foreign keys (a cycle, or a reference to a table outside the database): ${stuck.join(', ')}`);
    }
    for (const name of ready.sort()) {
      const table = byName.get(name)!;
      const key = await primaryKey(db, schema, name);
      if (key.length === 0) throw new Unprocessable(`Table ${name} has no primary key to copy it by.`);
      const counter = table.columns.find((c) => c.isAutoIncrementing)?.name;
      ordered.push({ name, columns: table.columns.map((c) => c.name), key, counter });
      placed.add(name);
    }
  }
  return ordered;
}

function assertSameTables(plans: TablePlan[], targetTables: TableMetadata[]): void {
  const describe = (name: string, columns: string[]) => `${name}(${[...columns].sort().join(',')})`;
  const want = plans.map((p) => describe(p.name, p.columns)).sort();
  const have = targetTables.map((t) => describe(t.name, t.columns.map((c) => c.name))).sort();
  const missing = want.filter((w) => !have.includes(w));
  const extra = have.filter((h) => !want.includes(h));
  if (missing.length > 0 || extra.length > 0) {
    throw new Unprocessable(`The migrated target's tables differ from the source's: source has ${missing.join(' ') || 'nothing more'}, target has ${extra.join(' ') || 'nothing more'}.`);
  }
}

// Catalog queries: the only places where the two dialects need different SQL (schema is
// undefined on SQLite, which has one per file).

const qualified = (schema: string, table: string) => `${quoteIdent(schema)}.${quoteIdent(table)}`;
const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function primaryKey(db: Kysely<any>, schema: string | undefined, table: string): Promise<string[]> {
  const query =
    schema === undefined
      ? sql<{ column: string }>`select name as "column" from pragma_table_info(${table}) where pk > 0 order by pk`
      : sql<{ column: string }>`
          select a.attname as "column"
          from pg_constraint c
          cross join unnest(c.conkey) with ordinality as k(attnum, position)
          join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum
          where c.contype = 'p' and c.conrelid = ${qualified(schema, table)}::regclass
          order by k.position`;
  return (await query.execute(db)).rows.map((r) => r.column);
}

async function referencedTables(db: Kysely<any>, schema: string | undefined, table: string): Promise<string[]> {
  const query =
    schema === undefined
      ? sql<{ referenced: string }>`select distinct "table" as referenced from pragma_foreign_key_list(${table})`
      : sql<{ referenced: string }>`
          select distinct r.relname as referenced
          from pg_constraint c join pg_class r on r.oid = c.confrelid
          where c.contype = 'f' and c.conrelid = ${qualified(schema, table)}::regclass`;
  return (await query.execute(db)).rows.map((r) => r.referenced);
}

/** The last id the table's counter handed out (0 if none): sqlite_sequence, or the serial's sequence. */
async function counterPosition(db: Kysely<any>, schema: string | undefined, table: string, column: string): Promise<number> {
  const query =
    schema === undefined
      ? sql<{ n: number | null }>`select max(seq) as n from sqlite_sequence where name = ${table}`
      : sql<{ n: number | null }>`select pg_sequence_last_value(pg_get_serial_sequence(${qualified(schema, table)}, ${column})::regclass) as n`;
  const n = (await query.execute(db)).rows[0]?.n;
  return n === null || n === undefined ? 0 : Number(n);
}

async function setCounter(db: Kysely<any>, schema: string | undefined, table: string, column: string, at: number): Promise<void> {
  if (schema !== undefined) {
    await sql`select setval(pg_get_serial_sequence(${qualified(schema, table)}, ${column}), ${at})`.execute(db);
    return;
  }
  // Inserting explicit ids already moved sqlite_sequence to max(id); ids deleted at the end need
  // more. The cast: better-sqlite3 binds every JS number as a double, and seq has no type to fix it.
  await sql`delete from sqlite_sequence where name = ${table}`.execute(db);
  await sql`insert into sqlite_sequence (name, seq) values (${table}, cast(${at} as integer))`.execute(db);
}
