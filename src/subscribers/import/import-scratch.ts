import { DomainError } from '../../errors.js';
import type { ImportRow } from './import-row.js';

/** A CSV file kept for the import's passes. */
export interface StoredUpload {
  /** In bytes. */
  size: number;
  /** Reads the file from its start; may be called again (the malformed-file report reads it twice). */
  chunks(): AsyncIterable<Uint8Array>;
}

/** The valid rows of the checking pass, kept for the applying pass so that the CSV is parsed once. */
export interface RowSpool {
  write(row: ImportRow): Promise<void>;
  /** Flushes and closes for writing; then `rows()` may be read. */
  end(): Promise<void>;
  rows(): AsyncIterable<ImportRow>;
}

/** The scratch space of one import. */
export interface ImportSpace {
  /** Keeps an upload (already capped in size) until `release`. */
  keep(upload: AsyncIterable<Uint8Array>): Promise<StoredUpload>;
  rowSpool(): RowSpool;
  /** Frees everything kept, whether the import succeeded or not. */
  release(): Promise<void>;
}

/**
 * Where an import keeps the upload and its valid rows between the two passes: private temporary
 * files under DATA_DIR on Node (`file-scratch.ts`), memory on Workers, which have no filesystem
 * (`memory-scratch.ts`).
 */
export interface ImportScratch {
  /** The largest upload it can keep, in bytes. */
  maxBytes: number;
  open(): Promise<ImportSpace>;
}

/** The answer to an upload over the limit, whether its Content-Length said so or its bytes did. */
export function uploadTooLarge(maxBytes: number): DomainError {
  return new DomainError('payload_too_large', `The file must be at most ${Math.floor(maxBytes / 1024 / 1024)} MB`);
}

/**
 * The upload's bytes, failing with `uploadTooLarge` once more than `maxBytes` have come. Strings
 * are taken as UTF-8 text, since a Node Readable of strings is a fair upload too.
 */
export async function* capBytes(upload: AsyncIterable<Uint8Array | string>, maxBytes: number): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  let size = 0;
  for await (const chunk of upload) {
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    size += bytes.length;
    if (size > maxBytes) throw uploadTooLarge(maxBytes);
    yield bytes;
  }
}
