import type { Kysely } from 'kysely';

/**
 * `summary`: the opening of the body as plain text, derived on every save like body_html, so the
 * archive and the feed do not convert HTML to text for every post on every request.
 *
 * Bookkeeping for scheduled publishing: when the worker cannot publish a due post (for example
 * because starting its mailing failed), the post stays scheduled, the editor can read why, and
 * the worker retries with backoff instead of failing on every pass.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one column at a time.
  await db.schema.alterTable('posts').addColumn('summary', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('posts').addColumn('publish_error', 'text').execute();
  await db.schema.alterTable('posts').addColumn('publish_attempts', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('posts').addColumn('publish_retry_at', 'text').execute();
}
