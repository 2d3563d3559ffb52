import { atomicBatch } from '../db/atomic.js';
import { addMs, iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { DomainError } from '../errors.js';
import { markPublished } from '../posts/mark-published.js';
import { senderOf, startSendStatements } from '../sending/start-send.js';
import { backoffMs } from './backoff.js';

const BATCH = 20;

/**
 * Publishes scheduled posts whose time has come, with the same conditional UPDATE as the API, so
 * a post unscheduled or published by hand meanwhile is left alone. A post scheduled with `send`
 * has its mailing started in the same unit (one atomicBatch, atomic on D1 too).
 *
 * If the mailing cannot start, nothing commits: the post stays scheduled rather than appearing on
 * the web without the mailing the editor asked for. The reason is kept in `publish_error` (the
 * admin API shows it) and the worker tries again with backoff; publishing by hand with
 * `send: false` ends the wait. Returns how many posts were published.
 */
export async function publishScheduledPosts(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  const nowIso = iso(now);
  const due = await deps.db
    .selectFrom('posts')
    .select(['id', 'slug', 'publish_attempts'])
    .where('status', '=', 'scheduled')
    .where('scheduled_at', '<=', nowIso)
    .where((eb) => eb.or([eb('publish_retry_at', 'is', null), eb('publish_retry_at', '<=', nowIso)]))
    .orderBy('scheduled_at')
    .limit(BATCH)
    .execute();

  let published = 0;
  for (const post of due) {
    try {
      const start = startSendStatements(deps.db, post.id, nowIso, await senderOf(deps), { publishedAt: nowIso });
      const results = await atomicBatch(deps.db, [markPublished(deps.db, post.id, nowIso, { dueOnly: true }), ...start.queries]);
      if (results[0]!.rows.length === 0) continue;
      const { created, row } = start.read(results.slice(1));
      if (created) deps.wakeWorker();
      published++;
      deps.logger.info('posts.published', { id: post.id, slug: post.slug, send: row?.id ?? null });
    } catch (error) {
      await recordFailure(deps, post, error, now);
    }
  }
  return published;
}

async function recordFailure(deps: Deps, post: { id: number; slug: string; publish_attempts: number }, error: unknown, now: Date): Promise<void> {
  const attempts = post.publish_attempts + 1;
  // Domain errors are written for people; anything else may carry internals, so it is only logged.
  const reason = error instanceof DomainError ? error.message : 'Publishing failed unexpectedly; the server log has the details.';
  const retryAt = iso(addMs(now, backoffMs(deps.config.sendRetryDelayMs, attempts)));
  deps.logger.error('posts.publish_failed', {
    id: post.id,
    slug: post.slug,
    attempts,
    retry_at: retryAt,
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  await deps.db
    .updateTable('posts')
    .set({ publish_error: reason, publish_attempts: attempts, publish_retry_at: retryAt })
    .where('id', '=', post.id)
    .where('status', '=', 'scheduled')
    .execute();
}
