import type { Db } from '../db/database.js';
import { CLEAR_PUBLISH_FAILURE } from './post-columns.js';

/**
 * The one conditional UPDATE that takes a post public, shared by the API and the worker, left
 * unexecuted so that it can open a unit (atomicBatch) with the mailing it starts. It returns
 * the row, or no row when the post was not publishable: already published, gone, or (with
 * `dueOnly`, for the worker) no longer scheduled for a time that has come.
 */
export function markPublished(db: Db, id: number, now: string, options: { sendOnPublish?: boolean; dueOnly?: boolean } = {}) {
  let update = db
    .updateTable('posts')
    .set({
      status: 'published',
      published_at: now,
      scheduled_at: null,
      updated_at: now,
      ...CLEAR_PUBLISH_FAILURE,
      ...(options.sendOnPublish === undefined ? {} : { send_on_publish: options.sendOnPublish ? 1 : 0 }),
    })
    .where('id', '=', id);
  update = options.dueOnly ? update.where('status', '=', 'scheduled').where('scheduled_at', '<=', now) : update.where('status', 'in', ['draft', 'scheduled']);
  return update.returningAll();
}
