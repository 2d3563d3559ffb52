import type { Db, DeliveryStatus } from '../db/database.js';

/** Deliveries that did not end as sent or skipped: what an editor looks into after a send. */
export const FAILURE_STATUSES = ['failed', 'bounced', 'unknown'] as const satisfies ReadonlyArray<DeliveryStatus>;

export interface SendFailure {
  id: number;
  /** Null once the reader was erased: the ledger row stays, the address does not. */
  email: string | null;
  status: (typeof FAILURE_STATUSES)[number];
  attempts: number;
  /** The mail server's last reply (or the connection error), as recorded by the worker. */
  last_error: string | null;
}

export interface SendFailurePage {
  failures: SendFailure[];
  next_cursor: string | null;
}

/** In delivery order; the cursor is the last delivery id of the page (the (send, status, id) index serves it). */
export async function listSendFailures(db: Db, sendId: number, options: { limit: number; cursor?: string }): Promise<SendFailurePage> {
  let query = db
    .selectFrom('deliveries')
    .leftJoin('subscribers', 'subscribers.id', 'deliveries.subscriber_id')
    .select(['deliveries.id', 'subscribers.email', 'deliveries.status', 'deliveries.attempts', 'deliveries.last_error'])
    .where('deliveries.send_id', '=', sendId)
    .where('deliveries.status', 'in', FAILURE_STATUSES)
    .orderBy('deliveries.id')
    .limit(options.limit + 1);
  if (options.cursor) query = query.where('deliveries.id', '>', Number(options.cursor));
  const rows = await query.execute();
  const page = rows.slice(0, options.limit);
  return {
    failures: page.map((r) => ({ ...r, status: r.status as SendFailure['status'] })),
    next_cursor: rows.length > options.limit ? String(page[page.length - 1]!.id) : null,
  };
}
