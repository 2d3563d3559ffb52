import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ImportRow } from './import-row.js';

/**
 * Valid rows of the checking pass, kept one JSON line each in a private temporary file, so the
 * applying pass neither parses the CSV again nor holds the rows in memory.
 */
export interface RowSpool {
  write(row: ImportRow): Promise<void>;
  /** Flushes and closes for writing; then `rows()` may be read. */
  end(): Promise<void>;
  rows(): AsyncGenerator<ImportRow>;
}

const FLUSH_ROWS = 1000;

export function createRowSpool(path: string): RowSpool {
  const out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
  let pending: string[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const chunk = pending.join('');
    pending = [];
    if (!out.write(chunk)) await once(out, 'drain');
  };
  return {
    async write(row) {
      pending.push(`${JSON.stringify(row)}\n`);
      if (pending.length >= FLUSH_ROWS) await flush();
    },
    async end() {
      await flush();
      out.end();
      await once(out, 'close');
    },
    async *rows() {
      const lines = createInterface({ input: createReadStream(path, { highWaterMark: 1024 * 1024 }), crlfDelay: Number.POSITIVE_INFINITY });
      for await (const line of lines) yield JSON.parse(line) as ImportRow;
    },
  };
}
