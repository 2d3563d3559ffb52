import { SUBSCRIBER_STATUSES, type SubscriberStatus } from '../../db/database.js';
import { DomainError } from '../../errors.js';
import { parseEmailAddress, parseName } from '../../subscriptions/email-address.js';
import { restoreCell } from '../csv-cells.js';
import { parseTagList } from '../tags.js';
import { parseTimestamp } from '../timestamp.js';
import type { CsvRecord } from './csv-records.js';
import type { ColumnMap, ImportColumn } from './import-columns.js';

/** One valid row of an import file. */
export interface ImportRow {
  line: number;
  email: string;
  normalized: string;
  name: string | null;
  tags: string[];
  /** As the file says; null when the file has no status (the import's default applies). */
  status: SubscriberStatus | null;
  createdAt: string | null;
}

export interface RowError {
  line: number;
  /** The email cell as given (cut short), so the editor can find the row. */
  email: string;
  reason: string;
}

const DAY_MS = 86_400_000;

/** Validates one data row; null for a blank line, which is not counted at all. */
export function parseImportRow(record: CsvRecord, columns: ColumnMap, now: Date): ImportRow | RowError | null {
  const { fields, line } = record;
  if (fields.every((f) => f.trim() === '')) return null;
  const cell = (column: ImportColumn) => {
    const i = columns.index[column];
    return i === undefined ? '' : restoreCell(fields[i] ?? '').trim();
  };
  const email = cell('email');
  // Trailing empty cells (a spreadsheet's stray commas) are harmless; anything else is a shifted row.
  if (fields.length < columns.width || fields.slice(columns.width).some((f) => f.trim() !== '')) {
    return { line, email: email.slice(0, 100), reason: `expected ${columns.width} fields as in the header, found ${fields.length}` };
  }
  try {
    const address = parseEmailAddress(email);
    const status = cell('status').toLowerCase();
    if (status !== '' && !(SUBSCRIBER_STATUSES as readonly string[]).includes(status)) {
      return { line, email: email.slice(0, 100), reason: `status must be one of ${SUBSCRIBER_STATUSES.join(', ')} (or empty)` };
    }
    const created = cell('created_at');
    const createdAt = created === '' ? null : parseTimestamp(created, 'created_at');
    if (createdAt && Date.parse(createdAt) > now.getTime() + DAY_MS) {
      return { line, email: email.slice(0, 100), reason: 'created_at is in the future' };
    }
    return {
      line,
      email: address.email,
      normalized: address.normalized,
      name: parseName(cell('name')),
      tags: parseTagList(cell('tags')),
      status: status === '' ? null : (status as SubscriberStatus),
      createdAt,
    };
  } catch (error) {
    if (error instanceof DomainError) return { line, email: email.slice(0, 100), reason: error.message };
    throw error;
  }
}

export function isRowError(result: ImportRow | RowError): result is RowError {
  return 'reason' in result;
}
