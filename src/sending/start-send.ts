import { sql } from 'kysely';
import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { Conflict, NotFound } from '../errors.js';
import { getSettings } from '../settings/settings.js';
import { notSuppressed } from '../suppressions/exclude-suppressed.js';
import { SUMMARY_COLUMNS, toSummary, type SendSummary } from './send-summary.js';

export type { SendSummary } from './send-summary.js';

/**
 * Starts the mailing of a published post: one `sends` row, and the audience (active subscribers
 * at this moment) snapshotted into `deliveries` with one INSERT ... SELECT, so the cost is one
 * statement whatever the list size. `deps.db` may be a transaction, so publishing and
 * snapshotting commit together. Idempotent per post: a second call returns the first send.
 */
export async function startSend(deps: Pick<Deps, 'db' | 'clock' | 'config' | 'wakeWorker'>, postId: number): Promise<SendSummary> {
  const { db } = deps;
  const nowDate = deps.clock.now();
  const now = iso(nowDate);
  const existing = await db.selectFrom('sends').select(SUMMARY_COLUMNS).where('post_id', '=', postId).executeTakeFirst();
  if (existing) return toSummary(existing, nowDate);

  const post = await db.selectFrom('posts').select(['id', 'status', 'title', 'email_subject']).where('id', '=', postId).executeTakeFirst();
  if (!post) throw new NotFound(`No post with id ${postId}`);
  if (post.status !== 'published') throw new Conflict('Only a published post can be mailed');

  const settings = await getSettings(db, deps.config);
  const send = await db
    .insertInto('sends')
    .values({
      post_id: postId,
      status: 'queued',
      subject: post.email_subject || post.title,
      from_name: settings.sender_name,
      from_address: settings.sender_email,
      reply_to: settings.reply_to || null,
      created_at: now,
      updated_at: now,
    })
    // Two publishes racing: the loser returns the winner's send instead of failing.
    .onConflict((oc) => oc.column('post_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!send) return toSummary(await db.selectFrom('sends').select(SUMMARY_COLUMNS).where('post_id', '=', postId).executeTakeFirstOrThrow(), nowDate);

  // The id is inlined: PostgreSQL would type a bound parameter in a SELECT list as text.
  const snapshot = await db
    .insertInto('deliveries')
    .columns(['send_id', 'subscriber_id', 'next_attempt_at'])
    .expression((eb) =>
      eb
        .selectFrom('subscribers')
        .select([sql.lit(send.id).as('send_id'), 'id', eb.val(now).as('next_attempt_at')])
        .where('status', '=', 'active')
        .where(notSuppressed)
        .orderBy('id'),
    )
    .executeTakeFirst();
  const total = Number(snapshot.numInsertedOrUpdatedRows ?? 0n);
  const row = await db
    .updateTable('sends')
    .set({ total, ...(total === 0 ? { status: 'done', started_at: now, finished_at: now } : {}) })
    .where('id', '=', send.id)
    .returning(SUMMARY_COLUMNS)
    .executeTakeFirstOrThrow();
  deps.wakeWorker();
  return toSummary(row, nowDate);
}
