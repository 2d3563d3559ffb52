import { addMs, iso } from '../clock.js';
import type { EditorRole } from '../db/database.js';
import type { Deps } from '../deps.js';
import { tokenHash } from './secret-token.js';
import { SESSION_IDLE_MS, SESSION_TOUCH_MS } from './session-policy.js';

export interface DeskSession {
  /** The stored id (the hash of the cookie), what sign-out revokes. */
  id: string;
  csrfToken: string;
  editor: { id: number; email: string; role: EditorRole };
}

/**
 * The live session a cookie names: not revoked, not past its end, not idle too long, its editor
 * not disabled. Null for anything else, including no cookie. Use is recorded at most once a
 * SESSION_TOUCH_MS, which also keeps the idle clock running.
 */
export async function lookupSession(deps: Pick<Deps, 'db' | 'clock'>, token: string | undefined): Promise<DeskSession | null> {
  if (!token) return null;
  const now = deps.clock.now();
  const row = await deps.db
    .selectFrom('editor_sessions as s')
    .innerJoin('editors as e', 'e.id', 's.editor_id')
    .select(['s.id', 's.csrf_token', 's.last_seen_at', 'e.id as editor_id', 'e.email', 'e.role'])
    .where('s.id', '=', await tokenHash(token))
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', iso(now))
    .where('s.last_seen_at', '>', iso(addMs(now, -SESSION_IDLE_MS)))
    .where('e.disabled_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  if (now.getTime() - Date.parse(row.last_seen_at) >= SESSION_TOUCH_MS) {
    await deps.db.updateTable('editor_sessions').set({ last_seen_at: iso(now) }).where('id', '=', row.id).execute();
  }
  return { id: row.id, csrfToken: row.csrf_token, editor: { id: row.editor_id, email: row.email, role: row.role } };
}
