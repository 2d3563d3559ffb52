import { existsSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import { fileUpload } from '../subscribers/import/file-scratch.js';
import { importSubscribers, type ImportResult } from '../subscribers/import/import-subscribers.js';
import { UsageError, type Command } from './command.js';

const SHOWN_ERRORS = 20;

export const importCommand: Command = {
  name: 'import',
  usage: 'broadsheet import FILE [--double-opt-in]',
  summary: 'import subscribers from a CSV file (email, name, tags, status, created_at)',
  async run(args, ctx) {
    const doubleOptIn = args.includes('--double-opt-in');
    const files = args.filter((a) => a !== '--double-opt-in');
    if (files.length !== 1 || files[0]!.startsWith('-')) throw new UsageError(this.usage);
    const file = files[0]!;
    if (!existsSync(file)) throw new UsageError(`${this.usage}\nno such file: ${file}`);
    const deps = await ctx.deps();

    // cli-progress draws only on a terminal, so piped output stays clean.
    const bar = new SingleBar({ format: '{phase} [{bar}] {percentage}% | {value}/{total}', stream: process.stderr, hideCursor: true });
    let phase: string | undefined;
    let result: ImportResult;
    try {
      result = await importSubscribers(
        deps,
        { file: await fileUpload(file) },
        {
          doubleOptIn,
          onProgress(next, done, total) {
            if (next !== phase) {
              bar.stop();
              phase = next;
              bar.start(total, 0, { phase: next === 'checking' ? 'checking bytes' : 'importing rows' });
            }
            bar.update(done);
          },
        },
      );
    } finally {
      bar.stop();
    }
    ctx.out(`created ${result.created}, updated ${result.updated}, skipped ${result.skipped}, invalid ${result.invalid}`);
    if (result.confirmations_queued > 0) ctx.out(`${result.confirmations_queued} confirmation mails queued; the server's worker sends them`);
    if (result.ignored_columns.length > 0) ctx.out(`ignored columns: ${result.ignored_columns.join(', ')}`);
    for (const e of result.errors.slice(0, SHOWN_ERRORS)) ctx.out(`line ${e.line}: ${e.email ? `${e.email}: ` : ''}${e.reason}`);
    if (result.invalid > SHOWN_ERRORS) ctx.out(`... and ${result.invalid - SHOWN_ERRORS} more invalid rows`);
  },
};
