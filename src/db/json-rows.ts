import { sql, type Kysely, type RawBuilder } from 'kysely';
import { dialectOf } from './dialect.js';

type ColumnKind = 'bigint' | 'text';
type Row = Record<string, number | string | null>;

/**
 * Rows given as ONE bound parameter (a JSON array of objects) and read as a table, for statements
 * that set a different value on each row (`UPDATE … FROM jsonRows(…).as('o') WHERE t.id = o.key`):
 * a statement per row costs a round trip each, and one binding per value breaks D1's limit of
 * 100 parameters. `columns` names each key and its type; the keys become the table's columns.
 */
export function jsonRows<R extends Row>(db: Kysely<any>, rows: readonly R[], columns: { [K in keyof R & string]: ColumnKind }): RawBuilder<R> {
  const json = JSON.stringify(rows);
  const names = Object.keys(columns) as Array<keyof R & string>;
  if (dialectOf(db) === 'postgres') {
    const definitions = names.map((name) => sql`${sql.id(name)} ${sql.raw(columns[name])}`);
    return sql<R>`(select * from jsonb_to_recordset(${json}::jsonb) as r(${sql.join(definitions)}))`;
  }
  // json_extract gives integers back as integers, so `o.key = t.id` is a primary-key lookup.
  const extracts = names.map((name) => sql`json_extract(value, ${sql.lit(`$.${name}`)}) as ${sql.id(name)}`);
  return sql<R>`(select ${sql.join(extracts)} from json_each(${json}))`;
}
