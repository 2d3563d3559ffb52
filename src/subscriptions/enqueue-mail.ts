import { addMs, iso } from '../clock.js';
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Database, Db, MailKind } from '../db/database.js';
import { lockSubscriber } from '../db/dialect.js';

/**
 * Queues one transactional mail for the subscriber that `which` selects, if any, as one
 * unexecuted INSERT … SELECT: the condition is the statement's own, so it can follow the
 * statement that makes the subscriber so in one atomicBatch (atomic on D1 too). `which` must
 * match at most one row.
 */
export function queueMailFor(db: Db, kind: MailKind, now: string, which: (eb: ExpressionBuilder<Database, 'subscribers'>) => Expression<SqlBool>) {
  return db
    .insertInto('mail_queue')
    .columns(['kind', 'subscriber_id', 'next_attempt_at', 'created_at'])
    .expression(
      db
        .selectFrom('subscribers')
        .select((eb) => [eb.val(kind).as('kind'), 'subscribers.id', eb.val(now).as('next_attempt_at'), eb.val(now).as('created_at')])
        .where(which)
        // The unit that queues it is the one that made the subscriber so at `now`: a repeat of it
        // (at the same instant, or waiting on the same row) finds this mail and queues none.
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('mail_queue as q')
                .select('q.id')
                .whereRef('q.subscriber_id', '=', 'subscribers.id')
                .where('q.kind', '=', kind)
                .where('q.created_at', '=', now),
            ),
          ),
        ),
    );
}

/**
 * The window of one confirmation: while a confirmation queued less than this ago (or one not yet
 * sent) can still be used, asking again sends nothing more. Long enough to cover a mail that is
 * slow to arrive, short enough that a reader who lost the mail can ask again the same day.
 */
export const CONFIRM_MAIL_INTERVAL_MS = 15 * 60_000;

const DAY_MS = 86_400_000;

/**
 * Queues a confirmation unless one is already on its way: one still unsent, or queued within
 * CONFIRM_MAIL_INTERVAL_MS — counting only those queued after the reader last unsubscribed, as
 * the earlier ones can no longer confirm — and never more than `perDay` in 24 hours. One
 * conditional INSERT … SELECT, so requests racing each other cannot both pass the check
 * (SQLite and D1 run write statements one at a time; on PostgreSQL the reader's row is locked
 * first, so call it inside a transaction there). Returns whether one was queued.
 */
export async function enqueueConfirmation(db: Db, subscriberId: number, now: Date, perDay: number): Promise<boolean> {
  const at = iso(now);
  const windowStart = iso(addMs(now, -CONFIRM_MAIL_INTERVAL_MS));
  const dayStart = iso(addMs(now, -DAY_MS));
  await lockSubscriber(db, subscriberId);
  const inserted = await db
    .insertInto('mail_queue')
    .columns(['kind', 'subscriber_id', 'next_attempt_at', 'created_at'])
    .expression(
      db
        .selectFrom('subscribers as s')
        .select((eb) => [eb.val<MailKind>('confirm').as('kind'), 's.id', eb.val(at).as('next_attempt_at'), eb.val(at).as('created_at')])
        .where('s.id', '=', subscriberId)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('mail_queue as q')
                .select('q.id')
                .whereRef('q.subscriber_id', '=', 's.id')
                .where('q.kind', '=', 'confirm')
                .where((q) => q.or([q('q.status', '=', 'pending'), q('q.created_at', '>', windowStart)]))
                .where((q) => q.or([q('s.unsubscribed_at', 'is', null), q('q.created_at', '>', q.ref('s.unsubscribed_at'))])),
            ),
          ),
        )
        .where(
          (eb) =>
            eb
              .selectFrom('mail_queue as d')
              .select((d) => d.fn.countAll<number>().as('n'))
              .whereRef('d.subscriber_id', '=', 's.id')
              .where('d.kind', '=', 'confirm')
              .where('d.created_at', '>', dayStart),
          '<',
          perDay,
        ),
    )
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}
