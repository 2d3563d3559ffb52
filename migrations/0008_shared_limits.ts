import type { Kysely } from 'kysely';

/**
 * State that several instances on one database must share: the rate-limit windows (so a client
 * behind a load balancer gets one budget, not one per instance) and the send-rate schedule (so
 * SEND_RATE_PER_SECOND caps the whole deployment). Times are epoch milliseconds and microseconds
 * as integers: they compare the same on every dialect, unlike text or floating point.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // One row per (scope, key): the window restarts in place, so the table holds one row per
  // client seen within a window and the sweep has little to delete.
  await db.schema
    .createTable('rate_limit_windows')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('window_start_ms', 'bigint', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_limit_windows_pkey', ['scope', 'key'])
    .execute();

  // The next free sending slot of the deployment (one row per schedule, `send` for mailings).
  await db.schema
    .createTable('rate_schedules')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('next_slot_us', 'bigint', (c) => c.notNull())
    .execute();
}
