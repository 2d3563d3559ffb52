import { iso } from '../clock.js';
import type { Deps } from '../deps.js';

/** Ends every session of an editor (a lost laptop, a cookie that may have leaked); returns how many. */
export async function signOutEverywhere(deps: Pick<Deps, 'db' | 'clock'>, editorId: number): Promise<number> {
  const result = await deps.db
    .updateTable('editor_sessions')
    .set({ revoked_at: iso(deps.clock.now()) })
    .where('editor_id', '=', editorId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
