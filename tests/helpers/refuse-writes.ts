import { sql } from 'kysely';
import { dialectOf } from '../../src/db/dialect.js';
import type { Db } from '../../src/db/database.js';

/**
 * Makes the database itself refuse inserts into `table` (a real failure inside the real
 * transaction), in the trigger syntax of the database under test; the returned function lifts it.
 */
export async function refuseInserts(db: Db, table: string, message: string): Promise<() => Promise<void>> {
  const name = sql.id(`refuse_${table}`);
  if (dialectOf(db) === 'postgres') {
    await sql`create function ${name}() returns trigger language plpgsql as $$ begin raise exception '%', ${sql.lit(message)}; end $$`.execute(db);
    await sql`create trigger ${name} before insert on ${sql.table(table)} for each row execute function ${name}()`.execute(db);
    return async () => {
      await sql`drop trigger ${name} on ${sql.table(table)}`.execute(db);
      await sql`drop function ${name}()`.execute(db);
    };
  }
  await sql`create trigger ${name} before insert on ${sql.table(table)} begin select raise(abort, ${sql.lit(message)}); end`.execute(db);
  return async () => {
    await sql`drop trigger ${name}`.execute(db);
  };
}
