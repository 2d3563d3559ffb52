import { existsSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import { copyDatabase, type CopyReport } from '../db/copy-database.js';
import { openDatabase } from '../db/open.js';
import { isPostgresUrl } from '../db/postgres.js';
import { UsageError, type Command } from './command.js';

const USAGE = 'broadsheet copy-db FROM_URL TO_URL';

export const copyDbCommand: Command = {
  name: 'copy-db',
  usage: USAGE,
  summary: 'copy a publication into an empty database (SQLite <-> PostgreSQL), ids kept, counts verified',
  // Both databases come from the arguments: DATABASE_URL and ctx.deps() are not used.
  async run(args, ctx) {
    if (args.length !== 2 || args.some((a) => a.startsWith('-'))) throw new UsageError(USAGE);
    const [from, to] = args as [string, string];
    for (const url of args) {
      const problem = urlProblem(url);
      if (problem) throw new UsageError(`${USAGE}\n${problem}`);
    }
    // Opening a SQLite path creates the file: a mistyped source would look like an empty database.
    if (!isPostgresUrl(from) && !existsSync(sqlitePath(from))) throw new UsageError(`${USAGE}\nno such SQLite file: ${from}`);
    if (from === to) throw new UsageError(`${USAGE}\nFROM_URL and TO_URL are the same database`);

    const source = openDatabase(from);
    const target = openDatabase(to);
    // cli-progress draws only on a terminal, so piped output stays clean.
    const bar = new SingleBar({ format: '{table} [{bar}] {percentage}% | {value}/{total}', stream: process.stderr, hideCursor: true });
    let table: string | undefined;
    let report: CopyReport;
    try {
      report = await copyDatabase(source, target, {
        onProgress(next, copied, total) {
          if (next !== table) {
            bar.stop();
            table = next;
            bar.start(total, 0, { table: next.padEnd(16) });
          }
          bar.update(copied);
        },
      });
    } finally {
      bar.stop();
      await source.destroy();
      await target.destroy();
    }
    for (const line of formatReport(report)) ctx.out(line);
    return report.matches ? 0 : 1;
  },
};

function urlProblem(url: string): string | undefined {
  if (isPostgresUrl(url)) {
    return URL.canParse(url) ? undefined : `not a valid PostgreSQL URL: ${redact(url)}`;
  }
  if (url.startsWith('file:')) return URL.canParse(url) && new URL(url).pathname ? undefined : `not a valid file: URL: ${url}`;
  // Anything else with a scheme (mysql://, https://) is neither a path nor a database we run on.
  if (/^[a-z][a-z0-9+.-]+:/i.test(url)) return `unsupported database URL (expected postgres://..., file:... or a SQLite path): ${redact(url)}`;
  return url.trim() === '' ? 'an empty database URL' : undefined;
}

const sqlitePath = (url: string) => (url.startsWith('file:') ? new URL(url).pathname : url);

// URLs can carry a password; an error message must not print it.
const redact = (url: string) => url.replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:***@');

function formatReport(report: CopyReport): string[] {
  const width = Math.max(5, ...report.tables.map((t) => t.table.length));
  const cell = (v: number | null) => String(v ?? '-').padStart(10);
  const lines = [`${'table'.padEnd(width)}  ${'source'.padStart(10)}  ${'target'.padStart(10)}  ${'max id src'.padStart(10)}  ${'max id dst'.padStart(10)}`];
  for (const t of report.tables) {
    const problem = t.matches ? '' : t.counterCarried ? '  MISMATCH' : '  MISMATCH (id counter behind)';
    lines.push(`${t.table.padEnd(width)}  ${cell(t.sourceRows)}  ${cell(t.targetRows)}  ${cell(t.sourceMaxId)}  ${cell(t.targetMaxId)}${problem}`);
  }
  const rows = report.tables.reduce((sum, t) => sum + t.sourceRows, 0);
  lines.push(
    report.matches
      ? `copied ${report.tables.length} tables, ${rows} rows; counts verified on both sides`
      : `the copy differs from the source in: ${report.tables.filter((t) => !t.matches).map((t) => t.table).join(', ')}`,
  );
  return lines;
}
