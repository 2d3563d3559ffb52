import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { oneOf, withId } from './schema-helpers.js';

// Frozen copies of the unions at the time of this migration: later changes need a new migration.
// New: a send that cannot be built stops as `failed`; a delivery whose answer was lost after the
// whole message was handed over is `unknown` (never resent).
const SEND_STATUSES = ['queued', 'sending', 'paused', 'done', 'cancelled', 'failed'];
const DELIVERY_STATUSES = ['pending', 'sent', 'failed', 'bounced', 'skipped', 'unknown'];

const SEND_COLUMNS = ['id', 'post_id', 'status', 'subject', 'from_name', 'from_address', 'reply_to', 'html', 'text', 'total', 'sent', 'failed', 'skipped', 'created_at', 'started_at', 'finished_at', 'updated_at'];
const DELIVERY_COLUMNS = ['id', 'send_id', 'subscriber_id', 'status', 'attempts', 'next_attempt_at', 'lease_until', 'last_error', 'message_id', 'sent_at'];

export async function up(db: Kysely<any>): Promise<void> {
  // A random id per installation, made once: it makes Message-IDs unique across installs
  // (two databases both have send 1, delivery 1) while staying the same across retries.
  await db.schema
    .createTable('meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await db.insertInto('meta').values({ key: 'install_id', value: randomInstallId(db) }).execute();

  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // PostgreSQL can swap a CHECK constraint in place (it named the inline ones table_column_check).
    await replaceCheck(db, 'sends', SEND_STATUSES);
    await replaceCheck(db, 'deliveries', DELIVERY_STATUSES);
    await addSendColumns(db, 'sends');
    return;
  }
  // SQLite cannot alter a CHECK: rebuild both tables. Renaming first moves the deliveries'
  // foreign key onto the old sends, so dropping the old tables never cascades into the new ones.
  await db.schema.alterTable('deliveries').renameTo('deliveries_0005').execute();
  await db.schema.alterTable('sends').renameTo('sends_0005').execute();

  await withId(db, db.schema.createTable('sends'))
    .addColumn('post_id', 'integer', (c) => c.notNull().unique().references('posts.id'))
    .addColumn('status', 'text', (c) => c.notNull().check(oneOf('status', SEND_STATUSES)))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('from_name', 'text', (c) => c.notNull())
    .addColumn('from_address', 'text', (c) => c.notNull())
    .addColumn('reply_to', 'text')
    .addColumn('html', 'text')
    .addColumn('text', 'text')
    .addColumn('total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await addSendColumns(db, 'sends');
  await copy(db, 'sends_0005', 'sends', SEND_COLUMNS);

  await withId(db, db.schema.createTable('deliveries'))
    .addColumn('send_id', 'integer', (c) => c.notNull().references('sends.id').onDelete('cascade'))
    .addColumn('subscriber_id', 'integer', (c) => c.references('subscribers.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(oneOf('status', DELIVERY_STATUSES)))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('message_id', 'text')
    .addColumn('sent_at', 'text')
    .execute();
  await copy(db, 'deliveries_0005', 'deliveries', DELIVERY_COLUMNS);

  await db.schema.dropTable('deliveries_0005').execute();
  await db.schema.dropTable('sends_0005').execute();
  // The indexes of 0005 went with the old tables.
  await db.schema.createIndex('sends_status').on('sends').columns(['status', 'id']).execute();
  await db.schema.createIndex('deliveries_send_subscriber').unique().on('deliveries').columns(['send_id', 'subscriber_id']).execute();
  await db.schema.createIndex('deliveries_send_status').on('deliveries').columns(['send_id', 'status', 'id']).execute();
  await db.schema.createIndex('deliveries_subscriber').on('deliveries').column('subscriber_id').execute();
}

/**
 * 24 hex characters made by the database, not in JS: on D1 this migration runs as a SQL file
 * generated once (migrations/d1), where a value computed here would be the same for every install.
 */
function randomInstallId(db: Kysely<any>) {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? // gen_random_uuid() is built in since PostgreSQL 13 (random() is not a strong source).
      sql<string>`substr(md5(gen_random_uuid()::text), 1, 24)`
    : sql<string>`lower(hex(randomblob(12)))`;
}

async function addSendColumns(db: Kysely<any>, table: string): Promise<void> {
  // Deliveries whose outcome is unknown (answer lost after the final dot), counted apart from sent.
  await db.schema.alterTable(table).addColumn('unknown', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // Why a send was paused by the worker (the relay refusing everyone) or failed (cannot be built).
  await db.schema.alterTable(table).addColumn('reason', 'text').execute();
}

async function replaceCheck(db: Kysely<any>, table: string, values: string[]): Promise<void> {
  const name = sql.ref(`${table}_status_check`);
  await sql`alter table ${sql.table(table)} drop constraint ${name}, add constraint ${name} check (${oneOf('status', values)})`.execute(db);
}

async function copy(db: Kysely<any>, from: string, to: string, columns: string[]): Promise<void> {
  await db
    .insertInto(to)
    .columns(columns)
    .expression(db.selectFrom(from).select(columns))
    .execute();
}
