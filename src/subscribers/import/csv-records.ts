// csv-parse's web-streams build: its only Node import is node:stream/web, whose classes are the
// web globals on Node and (with nodejs_compat) on Workers, so one reader serves both; the sync
// build would need the whole file as one string, and the Node-stream build would tie this module
// to node:stream.
import { parse, type Options } from 'csv-parse/stream';
import { Invalid } from '../../errors.js';
import type { StoredUpload } from './import-scratch.js';

export interface CsvRecord {
  /** The line the record starts on, counting from 1 (the header). */
  line: number;
  fields: string[];
}

/** An unclosed quote would otherwise swallow the rest of a 50 MB file into one field. */
const MAX_RECORD_BYTES = 1024 * 1024;

const OPTIONS: Options = {
  bom: true,
  relax_column_count: true,
  // Blank lines come through as records of empty fields, so that line numbers stay exact.
  skip_empty_lines: false,
  record_delimiter: ['\r\n', '\n', '\r'],
  max_record_size: MAX_RECORD_BYTES,
};

/**
 * Streams the records of a CSV file: UTF-8 with or without BOM, fields quoted or not, CRLF, LF
 * or CR line ends, line breaks inside quotes. A file that is not UTF-8 text, or whose quoting
 * is broken, fails with an Invalid naming the line.
 */
export async function* readCsvRecords(upload: StoredUpload, onBytes?: (bytes: number) => void): AsyncGenerator<CsvRecord> {
  let line = 1;
  const records = parsed(utf8Checked(upload.chunks(), onBytes), OPTIONS);
  try {
    for await (const fields of records) {
      yield { line, fields };
      line += 1 + lineBreaks(fields);
    }
  } catch (error) {
    if (error instanceof Invalid) throw error;
    throw new Invalid(`The CSV is malformed in the record starting on line ${await failingLine(upload)}: ${describe(error)}. Nothing was imported.`);
  }
}

/**
 * The records of `chunks`, read as the parser asks for them. Leaving the loop over them early
 * cancels the stream, which cancels the read of the upload.
 */
function parsed(chunks: AsyncIterable<Uint8Array>, options: Options): ReadableStream<string[]> {
  const source = chunks[Symbol.asyncIterator]();
  const bytes = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await source.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await source.return?.();
    },
  });
  return bytes.pipeThrough(parse(options) as TransformStream<Uint8Array, string[]>);
}

function lineBreaks(fields: string[]): number {
  let n = 0;
  for (const f of fields) if (f.includes('\n') || f.includes('\r')) n += f.match(/\r\n|\r|\n/g)!.length;
  return n;
}

/**
 * Where parsing fails. Records parsed just before an error can be dropped from the stream, so
 * the fast pass cannot always tell; this slower pass counts lines as each record is parsed.
 */
async function failingLine(upload: StoredUpload): Promise<number> {
  let next = 1;
  const options: Options<string[]> = {
    ...OPTIONS,
    on_record: (fields: string[]) => {
      next += 1 + lineBreaks(fields);
      return fields;
    },
  };
  try {
    for await (const _ of parsed(upload.chunks(), options)) {
      // Only the count matters.
    }
  } catch {
    // The same error as before: `next` is the line the failing record starts on.
  }
  return next;
}

function describe(error: unknown): string {
  switch ((error as { code?: string }).code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is never closed (unbalanced quotes)';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a closing quote is followed by other characters (a quote inside a quoted field must be doubled)';
    case 'INVALID_OPENING_QUOTE':
      return 'a quote appears inside an unquoted field (quote the whole field and double the quote)';
    case 'CSV_MAX_RECORD_SIZE':
      return `a record is longer than ${MAX_RECORD_BYTES / 1024 / 1024} MB, probably because of an unbalanced quote`;
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Passes bytes through unchanged after checking that they are UTF-8 text, so binary files and
 * UTF-16 or Latin-1 exports get a clear answer instead of mojibake in the list.
 */
async function* utf8Checked(chunks: AsyncIterable<Uint8Array>, onBytes?: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let offset = 0;
  for await (const chunk of chunks) {
    const zero = chunk.indexOf(0);
    if (zero !== -1) throw new Invalid(`The file holds binary data (a zero byte at byte ${offset + zero + 1}), not CSV text. Nothing was imported.`);
    try {
      decoder.decode(chunk, { stream: true });
    } catch {
      throw new Invalid(`The file is not UTF-8 text (invalid bytes after byte ${offset}); save it as "CSV UTF-8". Nothing was imported.`);
    }
    offset += chunk.length;
    onBytes?.(offset);
    yield chunk;
  }
  try {
    decoder.decode();
  } catch {
    throw new Invalid('The file is not UTF-8 text (it ends inside a character). Nothing was imported.');
  }
}
