import { iso } from '../clock.js';
import { atomicBatch } from '../db/atomic.js';
import { EDITOR_ROLES, type EditorRole } from '../db/database.js';
import type { Deps } from '../deps.js';
import { Conflict, Invalid } from '../errors.js';
import { parseEmailAddress } from '../subscriptions/email-address.js';
import { EDITOR_COLUMNS, toEditor, type Editor } from './editor.js';
import { issueEditorToken, passwordLink } from './editor-tokens.js';

/**
 * Adds an editor without a password and issues their set-password link, in one unit. The link
 * is returned to whoever created them (the CLI prints it) and is never shown again.
 */
export async function createEditor(deps: Pick<Deps, 'db' | 'clock' | 'config'>, input: { email: unknown; role?: unknown }): Promise<{ editor: Editor; link: string }> {
  const { email, normalized } = parseEmailAddress(input.email);
  const role = input.role ?? 'owner';
  if (!EDITOR_ROLES.includes(role as EditorRole)) throw new Invalid(`role must be one of ${EDITOR_ROLES.join(', ')}`);
  const now = deps.clock.now();
  const at = iso(now);
  const { token, insert } = await issueEditorToken(deps.db, 'set_password', now, (eb) =>
    // Only the row the first statement has just made: an existing editor with that address never
    // gets a link from here (every editor made here has one, so "no link yet" singles it out).
    eb.and([
      eb('email_normalized', '=', normalized),
      eb('created_at', '=', at),
      eb.not(eb.exists(eb.selectFrom('editor_tokens as t').select('t.id').whereRef('t.editor_id', '=', 'editors.id'))),
    ]),
  );
  const [created] = await atomicBatch(deps.db, [
    deps.db
      .insertInto('editors')
      .values({ email, email_normalized: normalized, role: role as EditorRole, password_hash: null, created_at: at, updated_at: at })
      .onConflict((oc) => oc.column('email_normalized').doNothing())
      .returning(EDITOR_COLUMNS),
    insert,
  ]);
  const row = created!.rows[0] as Parameters<typeof toEditor>[0] | undefined;
  if (!row) throw new Conflict(`There is already an editor with the address ${email}`);
  return { editor: toEditor(row), link: passwordLink(deps.config.publicUrl, token) };
}
