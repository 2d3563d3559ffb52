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

export type ImportSource = { path: string } | { stream: Readable };

export interface ImportOptions {
  /** Mail every new reader a confirmation instead of adding them active. */
  doubleOptIn?: boolean | undefined;
  /** Refuse a streamed body larger than this (bytes). */
  maxBytes?: number | undefined;
  /** `checking`: bytes of the file read; `importing`: data rows done of all. */
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

const BATCH_ROWS = 1000;
const MAX_REPORTED = 1000;

/**
 * Imports a CSV list (see import-columns.ts for the columns). Two passes over the file: the
 * first only checks that it is UTF-8 CSV with a usable header, so a malformed file imports
 * nothing; the second applies rows in batches of BATCH_ROWS, one transaction each, so other
 * requests are served in between and memory stays flat whatever the file size. A streamed
 * body is first spooled to a temporary file under DATA_DIR so it can be read twice.
 */
export async function importSubscribers(
  deps: Pick<Deps, 'db' | 'clock' | 'config' | 'wakeWorker'>,
  source: ImportSource,
  options: ImportOptions = {},
): Promise<ImportResult> {
  if ('path' in source) return importFile(deps, source.path, options);
  const path = await spool(source.stream, join(deps.config.dataDir, 'tmp'), options.maxBytes ?? Number.POSITIVE_INFINITY);
  try {
    return await importFile(deps, path, options);
  } finally {
    await rm(path, { force: true });
  }
}

async function importFile(deps: Pick<Deps, 'db' | 'clock' | 'wakeWorker'>, path: string, options: ImportOptions): Promise<ImportResult> {
  const size = (await stat(path)).size;
  let columns: ColumnMap | undefined;
  let total = 0;
  for await (const record of readCsvRecords(path, (bytes) => options.onProgress?.('checking', bytes, size))) {
    if (columns) total++;
    else columns = readHeader(record.fields);
  }
  if (!columns) throw new Invalid('The file is empty: expected a header row such as email,name,tags. Nothing was imported.');

  const result: ImportResult = {
    created: 0,
    updated: 0,
    skipped: 0,
    invalid: 0,
    errors: [],
    errors_truncated: false,
    confirmations_queued: 0,
    ignored_columns: columns.ignored,
  };
  let batch: ImportRow[] = [];
  let done = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const counts = await applyImportBatch(deps.db, batch, { doubleOptIn: options.doubleOptIn === true, now: iso(deps.clock.now()) });
    result.created += counts.created;
    result.updated += counts.updated;
    result.skipped += counts.skipped;
    result.confirmations_queued += counts.confirmations;
    batch = [];
    options.onProgress?.('importing', done, total);
  };
  let header = true;
  for await (const record of readCsvRecords(path)) {
    if (header) {
      header = false;
      continue;
    }
    done++;
    const row = parseImportRow(record, columns, deps.clock.now());
    if (row === null) continue;
    if (isRowError(row)) {
      result.invalid++;
      if (result.errors.length < MAX_REPORTED) result.errors.push(row);
      else result.errors_truncated = true;
      continue;
    }
    batch.push(row);
    if (batch.length >= BATCH_ROWS) await flush();
  }
  await flush();
  options.onProgress?.('importing', total, total);
  if (result.confirmations_queued > 0) deps.wakeWorker();
  return result;
}

/** Copies a stream to a new private file, refusing more than `maxBytes`. */
async function spool(stream: Readable, dir: string, maxBytes: number): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `import-${randomUUID()}.csv`);
  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > maxBytes) callback(new DomainError('payload_too_large', `The file must be at most ${Math.floor(maxBytes / 1024 / 1024)} MB`));
      else callback(null, chunk);
    },
  });
  try {
    await pipeline(stream, limit, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
  return path;
}
