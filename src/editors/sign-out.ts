import { iso } from '../clock.js';
import type { Deps } from '../deps.js';

/** Ends one session on the server: its cookie, wherever a copy of it is, no longer signs anyone in. */
export async function signOut(deps: Pick<Deps, 'db' | 'clock'>, sessionId: string): Promise<void> {
  await deps.db.updateTable('editor_sessions').set({ revoked_at: iso(deps.clock.now()) }).where('id', '=', sessionId).where('revoked_at', 'is', null).execute();
}
