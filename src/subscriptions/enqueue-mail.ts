import type { Db, MailKind } from '../db/database.js';

/** Queues one transactional mail; the worker renders and sends it. Call inside the caller's transaction. */
export async function enqueueMail(db: Db, kind: MailKind, subscriberId: number, now: string): Promise<void> {
  await db.insertInto('mail_queue').values({ kind, subscriber_id: subscriberId, next_attempt_at: now, created_at: now }).execute();
}

/** How many confirmation mails this subscriber was sent since `since` (the per-address cap). */
export async function confirmMailsSince(db: Db, subscriberId: number, since: string): Promise<number> {
  const row = await db
    .selectFrom('mail_queue')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('subscriber_id', '=', subscriberId)
    .where('kind', '=', 'confirm')
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
