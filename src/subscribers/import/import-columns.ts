import { Invalid } from '../../errors.js';
import { restoreCell } from '../csv-cells.js';

export const IMPORT_COLUMNS = ['email', 'name', 'tags', 'status', 'created_at'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

// Header names other platforms export for the same thing (after lower-casing, spaces -> _).
const ALIASES: Record<string, ImportColumn> = {
  email: 'email',
  email_address: 'email',
  e_mail: 'email',
  name: 'name',
  full_name: 'name',
  tags: 'tags',
  labels: 'tags',
  status: 'status',
  created_at: 'created_at',
  created: 'created_at',
  subscribed_at: 'created_at',
};

export interface ColumnMap {
  index: Partial<Record<ImportColumn, number>>;
  /** How many fields the header has: every row must have as many. */
  width: number;
  /** Header cells that are none of ours, ignored (so another platform's export imports as is). */
  ignored: string[];
}

/** Reads the header row: columns in any order, names case-insensitive; `email` is required. */
export function readHeader(fields: string[]): ColumnMap {
  const index: ColumnMap['index'] = {};
  const ignored: string[] = [];
  fields.forEach((cell, i) => {
    const name = restoreCell(cell).trim();
    const column = ALIASES[name.toLowerCase().replace(/[\s-]+/g, '_')];
    if (!column) {
      if (name !== '') ignored.push(name.slice(0, 100));
      return;
    }
    if (index[column] !== undefined) throw new Invalid(`The header row names the ${column} column twice. Nothing was imported.`);
    index[column] = i;
  });
  if (index.email === undefined) {
    const found = fields.length === 1 && fields[0] === '' ? 'an empty line' : `"${fields.join(',').slice(0, 200)}"`;
    throw new Invalid(`The first line must be a header row with an email column (and optionally ${IMPORT_COLUMNS.slice(1).join(', ')}); found ${found}. Nothing was imported.`);
  }
  return { index, width: fields.length, ignored };
}
