import { atomic } from '../db/atomic.js';
import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { Conflict } from '../errors.js';
import { startSend, type SendSummary } from '../sending/start-send.js';
import { getPost } from './get-post.js';
import { markPublished } from './mark-published.js';
import { CLEAR_PUBLISH_FAILURE } from './post-columns.js';
import type { PublishInput } from './post-input.js';
import { toPost, type Post } from './post.js';

export interface PublishOutcome {
  post: Post;
  /** The mailing of the post; null when publishing on the web only (or only scheduling). */
  send: SendSummary | null;
}

/**
 * Publishes a post now, or schedules it when `scheduled_at` lies ahead (a time already passed
 * means now). With `send` (the default) publishing also starts the mailing, in the same
 * transaction: if the mailing cannot start, the post stays exactly as it was. Publishing a
 * published post changes nothing, and asking again to send it returns the mailing it already has,
 * because startSend creates at most one mailing per post.
 */
export async function publishPost(deps: Deps, id: number, input: PublishInput): Promise<PublishOutcome> {
  const send = input.send ?? true;
  const now = deps.clock.now();
  if (input.scheduled_at && Date.parse(input.scheduled_at) > now.getTime()) return schedule(deps, id, iso(new Date(input.scheduled_at)), send);

  return atomic(deps.db, async (trx) => {
    const row = await markPublished(trx, id, iso(now), { sendOnPublish: send });
    const post = row ? toPost(row) : await getPost({ db: trx }, id);
    return { post, send: send ? await startSend({ ...deps, db: trx }, id) : null };
  });
}

async function schedule(deps: Deps, id: number, at: string, send: boolean): Promise<PublishOutcome> {
  const row = await deps.db
    .updateTable('posts')
    .set({ status: 'scheduled', scheduled_at: at, send_on_publish: send ? 1 : 0, updated_at: iso(deps.clock.now()), ...CLEAR_PUBLISH_FAILURE })
    .where('id', '=', id)
    .where('status', 'in', ['draft', 'scheduled'])
    .returningAll()
    .executeTakeFirst();
  if (row) return { post: toPost(row), send: null };
  await getPost(deps, id); // 404 when it does not exist
  throw new Conflict('The post is already published, so it cannot be scheduled');
}
