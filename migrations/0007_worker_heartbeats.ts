import type { Kysely } from 'kysely';

/**
 * Workers announce themselves and write a heartbeat every few seconds; each claim records which
 * worker holds it. A claim whose worker stopped beating is free at once, instead of waiting for
 * its lease (60 s by default) to run out. The lease stays as the backstop.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('workers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('heartbeat_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('deliveries').addColumn('claimed_by', 'text').execute();
  await db.schema.alterTable('mail_queue').addColumn('claimed_by', 'text').execute();
}
