import type { Selectable } from 'kysely';
import { atomicBatch } from '../db/atomic.js';
import { iso } from '../clock.js';
import type { PostsTable } from '../db/database.js';
import type { Deps } from '../deps.js';
import { Conflict, NotFound } from '../errors.js';
import { senderOf, startedSend, startSendStatements, type SendSummary } from '../sending/start-send.js';
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
 * means now). With `send` (the default) publishing also starts the mailing, in the same unit
 * (one atomicBatch: the statements decide, so it is atomic on D1 too): if the mailing cannot
 * start, the post stays exactly as it was. Publishing a published post changes nothing, and
 * asking again to send it returns the mailing it already has, unchanged, because a post has at
 * most one mailing.
 */
export async function publishPost(deps: Deps, id: number, input: PublishInput): Promise<PublishOutcome> {
  const send = input.send ?? true;
  const now = deps.clock.now();
  if (input.scheduled_at && Date.parse(input.scheduled_at) > now.getTime()) return schedule(deps, id, iso(new Date(input.scheduled_at)), send);

  const start = send ? startSendStatements(deps.db, id, iso(now), await senderOf(deps)) : undefined;
  const results = await atomicBatch(deps.db, [
    markPublished(deps.db, id, iso(now), { sendOnPublish: send }),
    ...(start?.queries ?? []),
    deps.db.selectFrom('posts').selectAll().where('id', '=', id),
  ]);
  const row = results[results.length - 1]!.rows[0] as Selectable<PostsTable> | undefined;
  if (!row) throw new NotFound(`No post with id ${id}`);
  if (!start) return { post: toPost(row), send: null };
  const started = start.read(results.slice(1));
  if (started.created) deps.wakeWorker();
  return { post: toPost(row), send: await startedSend(deps.db, id, started.row, now) };
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
