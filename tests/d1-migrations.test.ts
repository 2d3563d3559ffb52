import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { sql, type Kysely, type Migration } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from '../migrations/index.js';
import { D1_MIGRATIONS_DIR, REGENERATE, driftedFiles, generateD1Migrations, writeD1Migrations, type D1MigrationFile } from '../scripts/generate-d1-migrations.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { openSqlite } from '../src/db/sqlite.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

// Every table, index and trigger we made: not SQLite's own, nor the Kysely migrator's bookkeeping.
const SCHEMA = sql<{ type: string; name: string; tbl_name: string; sql: string }>`
  select type, name, tbl_name, sql from sqlite_master
  where type in ('table', 'index', 'trigger') and name not like 'sqlite\\_%' escape '\\' and name not like 'kysely\\_migration%' escape '\\'
  order by type, name`;

const onDisk = () => Object.keys(migrations).map((name): D1MigrationFile => ({ name: `${name}.sql`, sql: readFileSync(join(D1_MIGRATIONS_DIR, `${name}.sql`), 'utf8') }));

/** A fresh SQLite with the files applied in order, as wrangler applies them to D1 (foreign keys on). */
function applied(files: D1MigrationFile[]): SQLite.Database {
  const sqlite = new SQLite(':memory:');
  cleanups.push(() => sqlite.close());
  sqlite.pragma('foreign_keys = ON');
  for (const file of files) sqlite.exec(file.sql);
  return sqlite;
}

const statementsOf = (file: D1MigrationFile) => file.sql.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('--'));

describe('D1 migration files (migrations/d1)', () => {
  it('are what the generator makes from migrations/ now', async () => {
    const drifted = driftedFiles(D1_MIGRATIONS_DIR, await generateD1Migrations());
    expect(drifted, `migrations/d1 is out of date: run ${REGENERATE}`).toEqual([]);
    expect(onDisk().map((f) => f.name)).toEqual(Object.keys(migrations).map((name) => `${name}.sql`));
  });

  it('name each file that is missing, edited or left without a migration, until rewritten', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'broadsheet-d1-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const files = await generateD1Migrations();
    writeD1Migrations(dir, files);
    const [first, second] = files;
    writeFileSync(join(dir, first!.name), first!.sql + 'drop table "settings";\n');
    rmSync(join(dir, second!.name));
    writeFileSync(join(dir, '9999_stray.sql'), 'create table "stray" ("id" integer);\n');

    expect(driftedFiles(dir, files)).toEqual([first!.name, second!.name, '9999_stray.sql']);
    writeD1Migrations(dir, files);
    expect(driftedFiles(dir, files)).toEqual([]);
    expect(existsSync(join(dir, '9999_stray.sql'))).toBe(false);
  });

  it('pass the check run from the command line', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/generate-d1-migrations.ts', '--check'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('leave exactly the schema migrateToLatest leaves', async () => {
    const db = openSqlite(':memory:');
    cleanups.push(() => db.destroy());
    await migrateToLatest(db);
    const expected = (await SCHEMA.execute(db)).rows;

    expect(expected.length).toBeGreaterThan(20);
    expect(applied(onDisk()).prepare(SCHEMA.compile(db).sql).all()).toEqual(expected);
  });

  it('give every database its own install id, made by SQL', () => {
    const installId = (sqlite: SQLite.Database) => (sqlite.prepare(`select value from meta where key = 'install_id'`).get() as { value: string }).value;
    const first = installId(applied(onDisk()));
    const second = installId(applied(onDisk()));

    expect(first).toMatch(/^[0-9a-f]{24}$/);
    expect(second).toMatch(/^[0-9a-f]{24}$/);
    expect(first).not.toBe(second);
  });

  it('hold nothing D1 refuses and none of the Kysely migrator bookkeeping', () => {
    const statements = onDisk().flatMap(statementsOf);
    expect(statements.length).toBeGreaterThan(40);
    for (const statement of statements) {
      expect(statement).not.toMatch(/^\s*(begin|commit|end|rollback|savepoint|release|pragma)\b/i);
      expect(statement).not.toMatch(/sqlite_|_cf_|kysely_migration/i);
    }
  });
});

describe('generateD1Migrations', () => {
  const generate = (up: Migration['up']) => generateD1Migrations({ '0001_test': { up } });

  it('writes bound values as literals that read back unchanged', async () => {
    const text = `it's; -- not a comment ? "quoted" \\ done`;
    const [file] = await generate(async (db) => {
      await db.schema.createTable('t').addColumn('text', 'text').addColumn('number', 'integer').addColumn('nothing', 'text').execute();
      await db.insertInto('t').values({ text, number: 42, nothing: null }).execute();
    });

    expect(file!.name).toBe('0001_test.sql');
    expect(applied([file!]).prepare('select * from t').all()).toEqual([{ text, number: 42, nothing: null }]);
  });

  it.each<[string, (db: Kysely<any>) => Promise<unknown>, RegExp]>([
    ['a transaction', (db) => db.transaction().execute((trx) => trx.schema.createTable('t').addColumn('a', 'text').execute()), /0001_test: D1 refuses transaction control/],
    ['a PRAGMA', (db) => sql`pragma foreign_keys = off`.execute(db), /0001_test: D1 refuses a PRAGMA/],
    ["SQLite's own tables", (db) => sql`delete from sqlite_sequence`.execute(db), /0001_test: D1 refuses SQLite's or Cloudflare's internal/],
    ['a read deciding in JS', (db) => db.selectFrom('t' as never).selectAll().execute(), /0001_test: a migration must not read rows/],
    ['a value SQL has no literal for', async (db) => {
      await db.schema.createTable('t').addColumn('b', 'blob').execute();
      await db.insertInto('t').values({ b: Buffer.from('x') }).execute();
    }, /0001_test: invalid immediate value/],
  ])('refuses %s', async (_, up, message) => {
    await expect(generate(async (db) => void (await up(db)))).rejects.toThrow(message);
  });

  it('refuses a migration name wrangler cannot order', async () => {
    await expect(generateD1Migrations({ subscribers: { up: async () => {} } })).rejects.toThrow(/subscribers: wrangler needs migration names like 0001_/);
  });
});
