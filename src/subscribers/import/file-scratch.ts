import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import type { ImportRow } from './import-row.js';
import type { ImportScratch, RowSpool, StoredUpload } from './import-scratch.js';

const READ_CHUNK = 1024 * 1024;
const FLUSH_ROWS = 1000;

/**
 * Import scratch as private temporary files under DATA_DIR/tmp, so that memory stays flat
 * whatever the file size: the upload is copied to one, the valid rows go to another, one JSON
 * line each. No size limit of its own: the disk is the limit.
 */
export function createFileScratch(dataDir: string): ImportScratch {
  const dir = join(dataDir, 'tmp');
  return {
    maxBytes: Number.POSITIVE_INFINITY,
    async open() {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const temporary: string[] = [];
      const tempFile = (suffix: string) => {
        const path = join(dir, `import-${randomUUID()}.${suffix}`);
        temporary.push(path);
        return path;
      };
      return {
        async keep(upload) {
          const path = tempFile('csv');
          await pipeline(upload, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
          return fileUpload(path);
        },
        rowSpool: () => fileRowSpool(tempFile('ndjson')),
        async release() {
          await Promise.all(temporary.map((p) => rm(p, { force: true })));
        },
      };
    },
  };
}

/** A CSV file already on disk (the CLI's), read in place. */
export async function fileUpload(path: string): Promise<StoredUpload> {
  const { size } = await stat(path);
  return { size, chunks: () => createReadStream(path, { highWaterMark: READ_CHUNK }) };
}

function fileRowSpool(path: string): RowSpool {
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
      const lines = createInterface({ input: createReadStream(path, { highWaterMark: READ_CHUNK }), crlfDelay: Number.POSITIVE_INFINITY });
      for await (const line of lines) yield JSON.parse(line) as ImportRow;
    },
  };
}
