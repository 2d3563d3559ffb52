import { sql, type Compilable, type ExpressionBuilder, type QueryResult, type Selectable } from 'kysely';
import { atomicBatch } from '../db/atomic.js';
import { iso } from '../clock.js';
import type { Database, Db, SendsTable, SendStatus } from '../db/database.js';
import type { Deps } from '../deps.js';
import { Conflict, NotFound } from '../errors.js';
import { getSettings } from '../settings/settings.js';
import { notSuppressed } from '../suppressions/exclude-suppressed.js';
import { SUMMARY_COLUMNS, toSummary, type SendSummary } from './send-summary.js';

export type { SendSummary } from './send-summary.js';

/** Who a mailing is from, fixed on its `sends` row. */
export interface Sender {
  from_name: string;
  from_address: string;
  reply_to: string | null;
}

/**
 * Read before the statements that start a mailing: settings only address the mail, so a change
 * racing the start merely decides which sender the mailing gets, as it would a moment earlier.
 */
export async function senderOf(deps: Pick<Deps, 'db' | 'config'>): Promise<Sender> {
  const settings = await getSettings(deps.db, deps.config);
  return { from_name: settings.sender_name, from_address: settings.sender_email, reply_to: settings.reply_to || null };
}

type SummaryRow = Pick<Selectable<SendsTable>, (typeof SUMMARY_COLUMNS)[number]>;

export interface SendStart {
  /** Run in order inside one unit (atomicBatch), possibly after other statements. */
  queries: Compilable<unknown>[];
  /** What they did, from their results (the same number, in the same order). */
  read(results: QueryResult<unknown>[]): { created: boolean; row: SummaryRow | undefined };
}

/**
 * A send gets its audience and total in the unit that creates it, so once that unit commits no
 * send is both queued and empty: an empty audience makes it `done`. "Queued with total 0" thus
 * singles out the send the running unit has just created, and a repeated or concurrent start
 * (which finds the send committed, or waits for it on the unique post_id) snapshots nothing.
 */
const unsnapshotted = (eb: ExpressionBuilder<Database, 'sends'>) => eb.and([eb('sends.status', '=', 'queued'), eb('sends.total', '=', 0)]);

/**
 * The statements that start the mailing of a published post: one `sends` row, at most one per
 * post (unique post_id), and the audience (active, unsuppressed subscribers at this moment)
 * snapshotted into `deliveries` with one INSERT … SELECT, so the cost is one statement whatever
 * the list size. Every decision is taken by the statements, so they are atomic as one D1 batch
 * too. With `publishedAt` only the mailing asked for by the publish made at that instant starts
 * (the worker's scheduled publish, in the same unit).
 */
export function startSendStatements(db: Db, postId: number, now: string, sender: Sender, options: { publishedAt?: string } = {}): SendStart {
  let post = db
    .selectFrom('posts')
    .select((eb) => [
      'id',
      eb.val<SendStatus>('queued').as('status'),
      sql<string>`coalesce(nullif(${sql.ref('email_subject')}, ''), ${sql.ref('title')})`.as('subject'),
      eb.val(sender.from_name).as('from_name'),
      eb.val(sender.from_address).as('from_address'),
      eb.val(sender.reply_to).as('reply_to'),
      eb.val(now).as('created_at'),
      eb.val(now).as('updated_at'),
    ])
    .where('id', '=', postId)
    .where('status', '=', 'published');
  if (options.publishedAt !== undefined) post = post.where('send_on_publish', '=', 1).where('published_at', '=', options.publishedAt);
  const create = db
    .insertInto('sends')
    .columns(['post_id', 'status', 'subject', 'from_name', 'from_address', 'reply_to', 'created_at', 'updated_at'])
    .expression(post)
    .onConflict((oc) => oc.column('post_id').doNothing())
    .returning('id');
  const snapshot = db
    .insertInto('deliveries')
    .columns(['send_id', 'subscriber_id', 'next_attempt_at'])
    .expression(
      db
        .selectFrom(['subscribers', 'sends'])
        .select((eb) => ['sends.id', 'subscribers.id', eb.val(now).as('next_attempt_at')])
        .where('sends.post_id', '=', postId)
        .where(unsnapshotted)
        .where('subscribers.status', '=', 'active')
        .where(notSuppressed)
        .orderBy('subscribers.id'),
    );
  const count = db
    .updateTable('sends')
    .set((eb) => ({ total: eb.selectFrom('deliveries').select((d) => d.fn.countAll<number>().as('n')).whereRef('deliveries.send_id', '=', 'sends.id') }))
    .where('post_id', '=', postId)
    .where(unsnapshotted);
  // Still unsnapshotted after the count: this unit's send, with nobody to mail.
  const finishEmpty = db.updateTable('sends').set({ status: 'done', started_at: now, finished_at: now }).where('post_id', '=', postId).where(unsnapshotted);
  const current = db.selectFrom('sends').select(SUMMARY_COLUMNS).where('post_id', '=', postId);
  return {
    queries: [create, snapshot, count, finishEmpty, current],
    read: (results) => ({ created: results[0]!.rows.length > 0, row: results[4]!.rows[0] as SummaryRow | undefined }),
  };
}

/** The send a start left, or why there is none: the post is gone or not published. */
export async function startedSend(db: Db, postId: number, row: SummaryRow | undefined, now: Date): Promise<SendSummary> {
  if (row) return toSummary(row, now);
  const post = await db.selectFrom('posts').select('status').where('id', '=', postId).executeTakeFirst();
  if (!post) throw new NotFound(`No post with id ${postId}`);
  throw new Conflict('Only a published post can be mailed');
}

/**
 * Starts the mailing of a published post (see startSendStatements) as a unit of its own.
 * Idempotent per post: a second call returns the first send unchanged.
 */
export async function startSend(deps: Pick<Deps, 'db' | 'clock' | 'config' | 'wakeWorker'>, postId: number): Promise<SendSummary> {
  const nowDate = deps.clock.now();
  const start = startSendStatements(deps.db, postId, iso(nowDate), await senderOf(deps));
  const { created, row } = start.read(await atomicBatch(deps.db, start.queries));
  if (created) deps.wakeWorker();
  return startedSend(deps.db, postId, row, nowDate);
}
