import type { Kysely } from 'kysely';
import { oneOf, withId } from './schema-helpers.js';

const EDITOR_ROLES = ['owner', 'editor'];
const EDITOR_TOKEN_PURPOSES = ['set_password', 'reset_password'];

/**
 * The people who sign in to the editor's desk (/admin), their sessions and their one-time
 * links. Sessions and links are keyed by the SHA-256 of their secret: a copy of the database
 * lets no one in. Times are ISO text, like every other table.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable('editors'))
    .addColumn('email', 'text', (c) => c.notNull())
    // Lower-cased `email`: the sign-in and uniqueness key.
    .addColumn('email_normalized', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull().check(oneOf('role', EDITOR_ROLES)))
    // Null until the editor follows their set-password link.
    .addColumn('password_hash', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('disabled_at', 'text')
    .execute();

  await db.schema
    .createTable('editor_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('editor_id', 'integer', (c) => c.notNull().references('editors.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    // Shown in a list of sessions, so an editor can tell which one to end.
    .addColumn('user_agent', 'text')
    .addColumn('ip', 'text')
    .execute();
  await db.schema.createIndex('editor_sessions_editor').on('editor_sessions').columns(['editor_id', 'revoked_at']).execute();

  await db.schema
    .createTable('editor_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('editor_id', 'integer', (c) => c.notNull().references('editors.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull().check(oneOf('purpose', EDITOR_TOKEN_PURPOSES)))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    // A random mark of the use that spent the link: the statements of that use act on it alone,
    // even when a second submission arrives in the same millisecond.
    .addColumn('use_mark', 'text')
    .execute();
  await db.schema.createIndex('editor_tokens_editor').on('editor_tokens').column('editor_id').execute();
}
