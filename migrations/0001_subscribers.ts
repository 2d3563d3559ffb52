import type { Kysely } from 'kysely';
import { oneOf, withId } from './schema-helpers.js';

// Frozen copies of the unions at the time of this migration: later changes need a new migration.
const SUBSCRIBER_STATUSES = ['pending', 'active', 'unsubscribed', 'bounced', 'complained'];
const MAIL_KINDS = ['confirm', 'welcome'];
const MAIL_STATUSES = ['pending', 'sent', 'failed', 'skipped'];

export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable('subscribers'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_normalized', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(oneOf('status', SUBSCRIBER_STATUSES)))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('consent_ip', 'text')
    .addColumn('consent_user_agent', 'text')
    .addColumn('consent_at', 'text')
    .addColumn('confirm_ip', 'text')
    .addColumn('attributes', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'text')
    .addColumn('unsubscribed_at', 'text')
    .execute();
  await db.schema.createIndex('subscribers_status_id').on('subscribers').columns(['status', 'id']).execute();

  await withId(db, db.schema.createTable('mail_queue'))
    .addColumn('kind', 'text', (c) => c.notNull().check(oneOf('kind', MAIL_KINDS)))
    .addColumn('subscriber_id', 'integer', (c) => c.notNull().references('subscribers.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(oneOf('status', MAIL_STATUSES)))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('message_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();
  await db.schema.createIndex('mail_queue_due').on('mail_queue').columns(['status', 'next_attempt_at']).execute();
  await db.schema
    .createIndex('mail_queue_subscriber')
    .on('mail_queue')
    .columns(['subscriber_id', 'kind', 'created_at'])
    .execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
