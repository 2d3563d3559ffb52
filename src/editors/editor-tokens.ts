import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import { addMs, iso } from '../clock.js';
import type { Database, Db, EditorTokenPurpose } from '../db/database.js';
import { randomToken, tokenHash } from './secret-token.js';

/** How long a set-password or reset link works: long enough to find the mail the next day. */
export const EDITOR_TOKEN_TTL_MS = 24 * 3_600_000;

export const passwordLink = (publicUrl: string, token: string) => `${publicUrl}/admin/set-password/${token}`;

/**
 * A new one-time link for the editor that `which` selects (at most one row), as an un-executed
 * INSERT … SELECT, so it can join the statement that made the editor in one atomicBatch. The
 * clear token is returned to be handed out once; only its hash is stored.
 */
export async function issueEditorToken(
  db: Db,
  purpose: EditorTokenPurpose,
  now: Date,
  which: (eb: ExpressionBuilder<Database, 'editors'>) => Expression<SqlBool>,
) {
  const token = randomToken();
  const id = await tokenHash(token);
  const insert = db
    .insertInto('editor_tokens')
    .columns(['id', 'editor_id', 'purpose', 'created_at', 'expires_at'])
    .expression(
      db
        .selectFrom('editors')
        .select((eb) => [eb.val(id).as('id'), 'editors.id as editor_id', eb.val(purpose).as('purpose'), eb.val(iso(now)).as('created_at'), eb.val(iso(addMs(now, EDITOR_TOKEN_TTL_MS))).as('expires_at')])
        .where(which),
    )
    .returning('id');
  return { token, insert };
}
