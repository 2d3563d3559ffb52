import type { Kysely } from 'kysely';
import { oneOf, withId } from './schema-helpers.js';

const POST_STATUSES = ['draft', 'scheduled', 'published'];

export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable('api_keys'))
    .addColumn('name', 'text', (c) => c.notNull())
    // The first characters of the key, kept so people can tell keys apart in a list.
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();

  await withId(db, db.schema.createTable('posts'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('excerpt', 'text')
    .addColumn('author', 'text')
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    // The mail subject when it should differ from the title.
    .addColumn('email_subject', 'text')
    .addColumn('body_markdown', 'text', (c) => c.notNull())
    // Sanitised HTML rendered from body_markdown: what the web page and the mail both show.
    .addColumn('body_html', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(oneOf('status', POST_STATUSES)))
    .addColumn('scheduled_at', 'text')
    .addColumn('published_at', 'text')
    // Whether publishing (now or when scheduled) also mails the post to subscribers.
    .addColumn('send_on_publish', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('posts_status_published').on('posts').columns(['status', 'published_at', 'id']).execute();
  await db.schema.createIndex('posts_status_scheduled').on('posts').columns(['status', 'scheduled_at']).execute();
}
