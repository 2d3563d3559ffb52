/**
 * Writes migrations/d1/NNNN_name.sql, the files `wrangler d1 migrations apply` runs on D1, from
 * the Kysely migrations (the source of truth). Each migration's `up` runs, in order, on an
 * in-memory SQLite, and the statements it runs are recorded verbatim: the file is exactly what
 * SQLite ran, with every value inlined as a literal because wrangler runs plain SQL.
 *
 *   node --import tsx scripts/generate-d1-migrations.ts          (re)writes the files
 *   node --import tsx scripts/generate-d1-migrations.ts --check  exits 1 naming the files that differ
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, SqliteQueryCompiler, type Migration, type QueryCompiler, type SqliteDatabase } from 'kysely';
import { migrations } from '../migrations/index.js';

export const D1_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/d1/', import.meta.url));

export const REGENERATE = 'node --import tsx scripts/generate-d1-migrations.ts';

export interface D1MigrationFile {
  name: string;
  sql: string;
}

// Wrangler wants NNNN_name.sql and orders the files by name, as Kysely orders migrations.
const MIGRATION_NAME = /^\d{4}_[a-z0-9_]+$/;

// What D1 refuses although SQLite accepts it. The migrations run here outside Kysely's migrator,
// so its own tables and transactions never reach the files; a migration doing any of this itself
// must find another way.
const D1_REFUSES: Array<[RegExp, string]> = [
  [/^\s*(begin|commit|end|rollback|savepoint|release)\b/i, 'transaction control (D1 has no BEGIN or SAVEPOINT)'],
  [/^\s*pragma\b/i, 'a PRAGMA'],
  [/\b(sqlite|_cf)_\w*/i, "SQLite's or Cloudflare's internal tables or functions"],
];

/** The SQL of every migration, as D1 migration files, in order. */
export async function generateD1Migrations(source: Record<string, Migration> = migrations): Promise<D1MigrationFile[]> {
  const sqlite = new SQLite(':memory:');
  // D1 enforces foreign keys, so the statements run here as they will there.
  sqlite.pragma('foreign_keys = ON');
  const statements: string[] = [];
  const db = new Kysely<unknown>({ dialect: new InliningSqliteDialect({ database: recording(sqlite, statements) }) });
  try {
    const files: D1MigrationFile[] = [];
    for (const [name, migration] of Object.entries(source)) {
      if (!MIGRATION_NAME.test(name)) throw new Error(`${name}: wrangler needs migration names like 0001_subscribers`);
      statements.length = 0;
      try {
        await migration.up(db);
      } catch (error) {
        throw new Error(`${name}: ${(error as Error).message}`, { cause: error });
      }
      files.push({ name: `${name}.sql`, sql: fileText(name, statements) });
    }
    return files;
  } finally {
    await db.destroy();
  }
}

function fileText(name: string, statements: string[]): string {
  const header = `-- Generated from migrations/${name}.ts by scripts/generate-d1-migrations.ts: do not edit.\n-- Regenerate with: ${REGENERATE}\n`;
  return header + statements.map((s) => `${s};\n`).join('');
}

/** The files in `dir` that are missing, differ from `files`, or are not among them. */
export function driftedFiles(dir: string, files: D1MigrationFile[]): string[] {
  const onDisk = sqlFilesIn(dir);
  const differing = files.filter((f) => !onDisk.includes(f.name) || readFileSync(join(dir, f.name), 'utf8') !== f.sql).map((f) => f.name);
  const extra = onDisk.filter((name) => !files.some((f) => f.name === name));
  return [...differing, ...extra];
}

export function writeD1Migrations(dir: string, files: D1MigrationFile[]): void {
  mkdirSync(dir, { recursive: true });
  // A file without a migration would still be applied by wrangler.
  for (const name of sqlFilesIn(dir)) if (!files.some((f) => f.name === name)) rmSync(join(dir, name));
  for (const file of files) writeFileSync(join(dir, file.name), file.sql);
}

function sqlFilesIn(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => name.endsWith('.sql')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Records each statement as SQLite prepares it, so the driver's own statements (a transaction a
 * migration opens) are seen too, and refuses what a plain SQL file cannot carry.
 */
function recording(sqlite: SQLite.Database, statements: string[]): SqliteDatabase {
  return {
    close: () => sqlite.close(),
    prepare(text) {
      const refused = D1_REFUSES.find(([pattern]) => pattern.test(text));
      if (refused) throw new Error(`D1 refuses ${refused[1]}: ${text}`);
      // Rows read would feed a decision taken in JS, on this empty database, frozen into the file.
      if (/^\s*select\b/i.test(text)) throw new Error(`a migration must not read rows to decide in JS (D1 runs it as plain SQL): ${text}`);
      const statement = sqlite.prepare(text);
      statements.push(text);
      const bindNothing = (parameters: ReadonlyArray<unknown>) => {
        if (parameters.length > 0) throw new Error(`a statement with bound parameters cannot be written as plain SQL: ${text}`);
      };
      return {
        // better-sqlite3 calls some ALTER TABLEs readers: Kysely then asks for rows, and there are none.
        reader: statement.reader,
        all(parameters) {
          bindNothing(parameters);
          const rows = statement.all();
          if (rows.length > 0) throw new Error(`a migration must not read rows to decide in JS (D1 runs it as plain SQL): ${text}`);
          return rows;
        },
        iterate(parameters) {
          bindNothing(parameters);
          return statement.iterate();
        },
        run(parameters) {
          bindNothing(parameters);
          return statement.run();
        },
      };
    },
  };
}

/** SQLite's dialect with every value written into the SQL as a literal instead of bound. */
class InliningSqliteDialect extends SqliteDialect {
  override createQueryCompiler(): QueryCompiler {
    return new InliningSqliteQueryCompiler();
  }
}

class InliningSqliteQueryCompiler extends SqliteQueryCompiler {
  // Kysely's literals: strings quoted with ' doubled, numbers and bigints as digits; anything
  // else (a Buffer, an object) is refused rather than written wrongly.
  protected override appendValue(value: unknown): void {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`cannot write ${value} as a SQL literal`);
    this.appendImmediateValue(value);
  }
}

async function main(args: string[]): Promise<void> {
  const files = await generateD1Migrations();
  if (!args.includes('--check')) {
    writeD1Migrations(D1_MIGRATIONS_DIR, files);
    console.log(`wrote ${files.length} files to migrations/d1`);
    return;
  }
  const drifted = driftedFiles(D1_MIGRATIONS_DIR, files);
  if (drifted.length > 0) {
    console.error(`migrations/d1 is out of date (${drifted.join(', ')}): run ${REGENERATE}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.argv.slice(2));
