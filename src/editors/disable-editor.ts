import { iso } from '../clock.js';
import { atomicBatch } from '../db/atomic.js';
import type { Deps } from '../deps.js';
import { Invalid, NotFound } from '../errors.js';
import { EDITOR_COLUMNS, toEditor, type Editor } from './editor.js';

/**
 * Disables or re-enables an editor, on behalf of the owner `by`. A disabled editor cannot sign
 * in or use a link (those verbs check disabled_at); their sessions are also ended, in the same
 * unit, so that enabling them again later does not bring an old cookie back to life. Nobody
 * disables themselves: the owner doing it could lock the desk's last owner out.
 */
export async function setEditorDisabled(deps: Pick<Deps, 'db' | 'clock'>, input: { by: number; id: number; disabled: boolean }): Promise<Editor> {
  if (input.disabled && input.by === input.id) throw new Invalid('You cannot disable your own account.');
  const db = deps.db;
  const now = iso(deps.clock.now());
  const [updated] = input.disabled
    ? await atomicBatch(db, [
        // coalesce: disabling twice keeps the first date.
        db.updateTable('editors').set((eb) => ({ disabled_at: eb.fn.coalesce('disabled_at', eb.val(now)), updated_at: now })).where('id', '=', input.id).returning(EDITOR_COLUMNS),
        db.updateTable('editor_sessions').set({ revoked_at: now }).where('editor_id', '=', input.id).where('revoked_at', 'is', null),
      ])
    : await atomicBatch(db, [db.updateTable('editors').set({ disabled_at: null, updated_at: now }).where('id', '=', input.id).returning(EDITOR_COLUMNS)]);
  const row = updated!.rows[0] as Parameters<typeof toEditor>[0] | undefined;
  if (!row) throw new NotFound('There is no such editor.');
  return toEditor(row);
}
