import { sql } from 'kysely';
import { dialectOf } from '../../src/db/dialect.js';
import type { Db } from '../../src/db/database.js';

export type WriteEvent = 'insert' | 'update' | 'delete';

/**
 * Makes the database itself refuse one kind of write to `table` (a real failure inside the real
 * unit), in the trigger syntax of the database under test; the returned function lifts it.
 * Deletes made by a foreign key's ON DELETE CASCADE fire it too, on both databases.
 */
export async function refuseWrites(db: Db, table: string, message: string, event: WriteEvent): Promise<() => Promise<void>> {
  const name = sql.id(`refuse_${event}_${table}`);
  const on = sql.raw(event);
  if (dialectOf(db) === 'postgres') {
    await sql`create function ${name}() returns trigger language plpgsql as $$ begin raise exception '%', ${sql.lit(message)}; end $$`.execute(db);
    await sql`create trigger ${name} before ${on} on ${sql.table(table)} for each row execute function ${name}()`.execute(db);
    return async () => {
      await sql`drop trigger ${name} on ${sql.table(table)}`.execute(db);
      await sql`drop function ${name}()`.execute(db);
    };
  }
  await sql`create trigger ${name} before ${on} on ${sql.table(table)} begin select raise(abort, ${sql.lit(message)}); end`.execute(db);
  return async () => {
    await sql`drop trigger ${name}`.execute(db);
  };
}

export const refuseInserts = (db: Db, table: string, message: string) => refuseWrites(db, table, message, 'insert');
