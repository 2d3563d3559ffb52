import { iso } from '../../clock.js';
import type { Deps } from '../../deps.js';
import { Invalid } from '../../errors.js';
import { readCsvRecords } from './csv-records.js';
import { applyImportBatch } from './import-batch.js';
import { readHeader, type ColumnMap } from './import-columns.js';
import { isRowError, parseImportRow, type ImportRow, type RowError } from './import-row.js';
import { capBytes, type RowSpool, type StoredUpload } from './import-scratch.js';

/** An upload's bytes (a request body, a Node Readable), or a file already kept (the CLI's). */
export type ImportSource = { stream: AsyncIterable<Uint8Array | string> } | { file: StoredUpload };

export interface ImportOptions {
  /** Mail every new reader a confirmation instead of adding them active. */
  doubleOptIn?: boolean | undefined;
  /** Refuse a streamed body larger than this (bytes); the scratch's own limit applies too. */
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

type ImportDeps = Pick<Deps, 'db' | 'clock' | 'wakeWorker' | 'importScratch'>;

// One transaction each: big enough that commits are few, small enough (~0.1 s) that other
// requests are not kept waiting long for the database.
const BATCH_ROWS = 2000;
const MAX_REPORTED = 1000;

/**
 * Imports a CSV list (see import-columns.ts for the columns). The checking pass reads the whole
 * file, validating every row and keeping the valid ones aside, so a malformed file imports
 * nothing; the applying pass writes them in batches of BATCH_ROWS. The upload and the valid
 * rows wait in `deps.importScratch` between the passes (files on Node, so memory stays flat
 * whatever the file size).
 */
export async function importSubscribers(deps: ImportDeps, source: ImportSource, options: ImportOptions = {}): Promise<ImportResult> {
  const space = await deps.importScratch.open();
  try {
    const maxBytes = Math.min(options.maxBytes ?? Number.POSITIVE_INFINITY, deps.importScratch.maxBytes);
    const file = 'file' in source ? source.file : await space.keep(capBytes(source.stream, maxBytes));
    const rows = space.rowSpool();
    const checked = await check(deps, file, rows, options);
    return await apply(deps, rows, checked, options);
  } finally {
    await space.release();
  }
}

/** The checking pass: every row validated; the valid ones go to the spool. */
async function check(deps: ImportDeps, file: StoredUpload, spool: RowSpool, options: ImportOptions): Promise<ImportResult & { valid: number }> {
  const { size } = file;
  let columns: ColumnMap | undefined;
  const result = { created: 0, updated: 0, skipped: 0, invalid: 0, errors: [] as RowError[], errors_truncated: false, confirmations_queued: 0, valid: 0 };
  const now = deps.clock.now();
  try {
    for await (const record of readCsvRecords(file, (bytes) => options.onProgress?.('checking', bytes, size))) {
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
