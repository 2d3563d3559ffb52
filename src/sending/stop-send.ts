import type { Db } from '../db/database.js';

/**
 * The worker stopping a send by itself, with the reason kept on the send: `paused` when the mail
 * server refuses everyone (an editor resumes it once that is fixed), `failed` when its messages
 * cannot be built (nothing would ever go out). One conditional UPDATE, so an editor's pause or
 * cancel that came first wins. Returns whether this call stopped it.
 */
export async function stopSend(db: Db, id: number, to: 'paused' | 'failed', reason: string, now: string): Promise<boolean> {
  const row = await db
    .updateTable('sends')
    .set({ status: to, reason, updated_at: now, ...(to === 'failed' ? { finished_at: now } : {}) })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'sending'])
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}
