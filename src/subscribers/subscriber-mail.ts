import type { DeliveryStatus, MailKind, MailStatus } from '../db/database.js';
import type { Deps } from '../deps.js';

/** One newsletter mailed (or being mailed) to a reader, and what became of it. */
export interface SentPost {
  send_id: number;
  post_id: number;
  subject: string;
  status: DeliveryStatus;
  attempts: number;
  sent_at: string | null;
  last_error: string | null;
}

/** One confirmation or welcome mail for a reader, from the transactional queue. */
export interface SentNotice {
  kind: MailKind;
  status: MailStatus;
  attempts: number;
  created_at: string;
  sent_at: string | null;
  last_error: string | null;
}

/** How many of each a reader's page shows: the newest, which answer "what did they get lately". */
export const SUBSCRIBER_MAIL_LIMIT = 100;

/**
 * Every mail a reader was sent, newest first: the posts (deliveries by send) and the
 * confirmation and welcome mails, so the editor can answer "did they get it, and if not why".
 */
export async function subscriberMail(deps: Pick<Deps, 'db'>, subscriberId: number): Promise<{ posts: SentPost[]; notices: SentNotice[] }> {
  const [posts, notices] = await Promise.all([
    deps.db
      .selectFrom('deliveries')
      .innerJoin('sends', 'sends.id', 'deliveries.send_id')
      .select(['sends.id as send_id', 'sends.post_id', 'sends.subject', 'deliveries.status', 'deliveries.attempts', 'deliveries.sent_at', 'deliveries.last_error'])
      .where('deliveries.subscriber_id', '=', subscriberId)
      .orderBy('deliveries.send_id', 'desc')
      .limit(SUBSCRIBER_MAIL_LIMIT)
      .execute(),
    deps.db
      .selectFrom('mail_queue')
      .select(['kind', 'status', 'attempts', 'created_at', 'sent_at', 'last_error'])
      .where('subscriber_id', '=', subscriberId)
      .orderBy('id', 'desc')
      .limit(SUBSCRIBER_MAIL_LIMIT)
      .execute(),
  ]);
  return { posts, notices };
}
