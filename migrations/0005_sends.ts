import type { Kysely } from 'kysely';
import { oneOf, withId } from './schema-helpers.js';

const SEND_STATUSES = ['queued', 'sending', 'paused', 'done', 'cancelled'];
const DELIVERY_STATUSES = ['pending', 'sent', 'failed', 'bounced', 'skipped'];

export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable('sends'))
    // One mailing per post: publishing twice can never mail twice.
    .addColumn('post_id', 'integer', (c) => c.notNull().unique().references('posts.id'))
    .addColumn('status', 'text', (c) => c.notNull().check(oneOf('status', SEND_STATUSES)))
    // Snapshot of what is sent, fixed when the send is created so later edits cannot change it.
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('from_name', 'text', (c) => c.notNull())
    .addColumn('from_address', 'text', (c) => c.notNull())
    .addColumn('reply_to', 'text')
    // Rendered once when sending starts: HTML and text with per-recipient {{placeholders}}.
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
  await db.schema.createIndex('sends_status').on('sends').columns(['status', 'id']).execute();

  await withId(db, db.schema.createTable('deliveries'))
    .addColumn('send_id', 'integer', (c) => c.notNull().references('sends.id').onDelete('cascade'))
    // Erasing a subscriber keeps the ledger row (counts stay true) but drops the link to the person.
    .addColumn('subscriber_id', 'integer', (c) => c.references('subscribers.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(oneOf('status', DELIVERY_STATUSES)))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('message_id', 'text')
    .addColumn('sent_at', 'text')
    .execute();
  await db.schema.createIndex('deliveries_send_subscriber').unique().on('deliveries').columns(['send_id', 'subscriber_id']).execute();
  // The worker's claim scans pending rows of one send in id order.
  await db.schema.createIndex('deliveries_send_status').on('deliveries').columns(['send_id', 'status', 'id']).execute();
  await db.schema.createIndex('deliveries_subscriber').on('deliveries').column('subscriber_id').execute();
}
