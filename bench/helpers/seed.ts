import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { Database } from '../../src/db/database.js';

/** Reader `i`'s address: the sink's tally checks every one of them got exactly one copy. */
export const readerAddress = (i: number) => `reader${i}@bench.example.com`;
export const READER_PATTERN = 'reader{i}@bench.example.com';

const isPostgres = (db: Kysely<Database>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * Readers `from` .. `to - 1`, active and confirmed (ids in address order), in one INSERT ... SELECT per 100 000:
 * generate_series on PostgreSQL, a recursive CTE on SQLite. Seeding through the product's
 * import would take minutes at a million and measure the import, not what follows.
 */
export async function seedReaders(db: Kysely<Database>, to: number, now = new Date().toISOString(), from = 0): Promise<void> {
  const CHUNK = 100_000;
  const at = sql.lit(now);
  for (let first = from; first < to; first += CHUNK) {
    const last = Math.min(to, first + CHUNK) - 1;
    const numbers = isPostgres(db)
      ? sql`select i from generate_series(${sql.lit(first)}::int, ${sql.lit(last)}::int) as g(i)`
      : sql`with recursive g(i) as (select ${sql.lit(first)} union all select i + 1 from g where i < ${sql.lit(last)}) select i from g`;
    await sql`
      insert into subscribers (email, email_normalized, name, status, source, consent_basis, consent_at, created_at, updated_at, confirmed_at)
      select 'reader' || i || '@bench.example.com', 'reader' || i || '@bench.example.com', 'Reader ' || i,
             'active', 'import', 'editor', ${at}, ${at}, ${at}, ${at}
      from (${numbers}) as numbers`.execute(db);
  }
  // Fresh statistics, as autovacuum would have them on a list that grew over months.
  if (isPostgres(db)) await sql`analyze subscribers`.execute(db);
}
