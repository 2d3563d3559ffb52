import type { Kysely } from 'kysely';
import { oneOf, withId } from './schema-helpers.js';

// Frozen copies of the unions at the time of this migration: later changes need a new migration.
const CONSENT_BASES = ['double_opt_in', 'editor'];
const SUPPRESSION_KINDS = ['address', 'domain'];
const SUPPRESSION_REASONS = ['manual', 'bounce', 'complaint'];
const BOUNCE_KINDS = ['hard', 'soft', 'complaint'];

export async function up(db: Kysely<any>): Promise<void> {
  // How consent was obtained: the reader confirming by mail, or the editor vouching for it.
  await db.schema
    .alterTable('subscribers')
    .addColumn('consent_basis', 'text', (c) => c.notNull().defaultTo('double_opt_in').check(oneOf('consent_basis', CONSENT_BASES)))
    .execute();
  // The admin list and export walk newest first by (created_at, id), often within one status.
  await db.schema.createIndex('subscribers_created_id').on('subscribers').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('subscribers_status_created_id').on('subscribers').columns(['status', 'created_at', 'id']).execute();

  await db.schema
    .createTable('subscriber_tags')
    .addColumn('subscriber_id', 'integer', (c) => c.notNull().references('subscribers.id').onDelete('cascade'))
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('subscriber_tags_pk', ['subscriber_id', 'tag'])
    .execute();
  await db.schema.createIndex('subscriber_tags_tag').on('subscriber_tags').columns(['tag', 'subscriber_id']).execute();

  await withId(db, db.schema.createTable('suppressions'))
    .addColumn('kind', 'text', (c) => c.notNull().check(oneOf('kind', SUPPRESSION_KINDS)))
    // The lower-cased address or domain; null once its owner was erased and only the hash is kept.
    .addColumn('value', 'text')
    .addColumn('value_hash', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull().check(oneOf('reason', SUPPRESSION_REASONS)))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('suppressions_kind_hash', ['kind', 'value_hash'])
    .execute();
  await db.schema.createIndex('suppressions_kind_value').on('suppressions').columns(['kind', 'value']).execute();

  await withId(db, db.schema.createTable('bounce_events'))
    .addColumn('subscriber_id', 'integer', (c) => c.notNull().references('subscribers.id').onDelete('cascade'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(oneOf('kind', BOUNCE_KINDS)))
    .addColumn('detail', 'text')
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('bounce_events_subscriber').on('bounce_events').columns(['subscriber_id', 'occurred_at']).execute();

  // Ids of webhook notifications already applied, so a replayed one changes nothing. No personal data.
  await db.schema
    .createTable('webhook_events')
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_events_pk', ['provider', 'event_id'])
    .execute();
  await db.schema.createIndex('webhook_events_received').on('webhook_events').column('received_at').execute();
}
