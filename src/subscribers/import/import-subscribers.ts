import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { iso } from '../../clock.js';
import type { Deps } from '../../deps.js';
import { DomainError, Invalid } from '../../errors.js';
import { readCsvRecords } from './csv-records.js';
import { applyImportBatch } from './import-batch.js';
import { readHeader, type ColumnMap } from './import-columns.js';
import { isRowError, parseImportRow, type ImportRow, type RowError } from './import-row.js';
import { createRowSpool, type RowSpool } from './row-spool.js';

export type ImportSource = { path: string } | { stream: Readable };

export interface ImportOptions {
  /** Mail every new reader a confirmation instead of adding them active. */
  doubleOptIn?: boolean | undefined;
  /** Refuse a streamed body larger than this (bytes). */
  maxBytes?: number | undefined;
  /** `checking`: bytes of the file read; `importing`: valid rows applied of all. */
  onProgress?: ((phase: 'checking' | 'importing', done: number, total: number) => void) | undefined;
}

export interface ImportResult {
  created: number;
  updated: number;
  /** Valid rows that changed nothing: already as given, suppressed, or not allowed to reactivate. */
  skipped: number;
  invalid: number;
  /** The first MAX_REPORTED invalid rows. */
  errors: RowError[];
  errors_truncated: boolean;
  confirmations_queued: number;
  ignored_columns: string[];
}

type ImportDeps = Pick<Deps, 'db' | 'clock' | 'config' | 'wakeWorker'>;

// One transaction each: big enough that commits are few, small enough (~0.1 s) that other
// requests are not kept waiting long for the database.
const BATCH_ROWS = 2000;
const MAX_REPORTED = 1000;

/**
 * Imports a CSV list (see import-columns.ts for the columns). The checking pass reads the whole
 * file, validating every row and keeping the valid ones aside, so a malformed file imports
 * nothing; the applying pass writes them in batches of BATCH_ROWS. Memory stays flat whatever
 * the file size: a streamed body is first copied to a private temporary file under DATA_DIR.
 */
export async function importSubscribers(deps: ImportDeps, source: ImportSource, options: ImportOptions = {}): Promise<ImportResult> {
  const dir = join(deps.config.dataDir, 'tmp');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temporary: string[] = [];
  const tempFile = (suffix: string) => {
    const path = join(dir, `import-${randomUUID()}.${suffix}`);
    temporary.push(path);
    return path;
  };
  try {
    let path: string;
    if ('path' in source) path = source.path;
    else await spool(source.stream, (path = tempFile('csv')), options.maxBytes ?? Number.POSITIVE_INFINITY);
    const rows = createRowSpool(tempFile('ndjson'));
    const checked = await check(deps, path, rows, options);
    return await apply(deps, rows, checked, options);
  } finally {
    await Promise.all(temporary.map((p) => rm(p, { force: true })));
  }
}

/** The checking pass: every row validated; the valid ones go to the spool. */
async function check(deps: ImportDeps, path: string, spool: RowSpool, options: ImportOptions): Promise<ImportResult & { valid: number }> {
  const size = (await stat(path)).size;
  let columns: ColumnMap | undefined;
  const result = { created: 0, updated: 0, skipped: 0, invalid: 0, errors: [] as RowError[], errors_truncated: false, confirmations_queued: 0, valid: 0 };
  const now = deps.clock.now();
  try {
    for await (const record of readCsvRecords(path, (bytes) => options.onProgress?.('checking', bytes, size))) {
      if (!columns) {
        columns = readHeader(record.fields);
        continue;
      }
      const row = parseImportRow(record, columns, now);
      if (row === null) continue;
      if (isRowError(row)) {
        result.invalid++;
        if (result.errors.length < MAX_REPORTED) result.errors.push(row);
        else result.errors_truncated = true;
      } else {
        result.valid++;
        await spool.write(row);
      }
    }
  } finally {
    await spool.end();
  }
  if (!columns) throw new Invalid('The file is empty: expected a header row such as email,name,tags. Nothing was imported.');
  return { ...result, ignored_columns: columns.ignored };
}

/** The applying pass: valid rows in batches, one transaction each. */
async function apply(deps: ImportDeps, spool: RowSpool, checked: ImportResult & { valid: number }, options: ImportOptions): Promise<ImportResult> {
  const { valid, ...result } = checked;
  let batch: ImportRow[] = [];
  let done = 0;
  const flush = async () => {
    const started = Date.now();
    const counts = await applyImportBatch(deps.db, batch, { doubleOptIn: options.doubleOptIn === true, now: iso(deps.clock.now()) });
    result.created += counts.created;
    result.updated += counts.updated;
    result.skipped += counts.skipped;
    result.confirmations_queued += counts.confirmations;
    done += batch.length;
    batch = [];
    options.onProgress?.('importing', done, valid);
    await giveWay(Date.now() - started);
  };
  for await (const row of spool.rows()) {
    batch.push(row);
    if (batch.length >= BATCH_ROWS) await flush();
  }
  if (batch.length > 0) await flush();
  if (result.confirmations_queued > 0) deps.wakeWorker();
  return result;
}

/**
 * Leaves the database to other writers for a while after each batch. SQLite's lock is not
 * fair: a server waiting in busy_timeout polls at intervals of up to 100 ms and kept missing the
 * moment between two batches, so live subscribes waited ~0.7 s. Pausing for half the time the
 * batch held the lock keeps the import within a third of the database's time.
 */
function giveWay(heldMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.min(heldMs / 2, 100)));
}

/** Copies a stream to a new private file, refusing more than `maxBytes`. */
async function spool(stream: Readable, path: string, maxBytes: number): Promise<void> {
  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > maxBytes) callback(new DomainError('payload_too_large', `The file must be at most ${Math.floor(maxBytes / 1024 / 1024)} MB`));
      else callback(null, chunk);
    },
  });
  await pipeline(stream, limit, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
}
