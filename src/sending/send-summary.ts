import type { Db, SendStatus, SendsTable } from '../db/database.js';
import { NotFound } from '../errors.js';
import type { Selectable } from 'kysely';

/** What the admin API shows of one mailing of one post. */
export interface SendSummary {
  id: number;
  post_id: number;
  status: SendStatus;
  subject: string;
  total: number;
  sent: number;
  failed: number;
  skipped: number;
  /** Handed over in full but the answer was lost: perhaps delivered, never resent. */
  unknown: number;
  pending: number;
  /** Why the worker paused the send, or why it failed; null otherwise. */
  reason: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** Messages per second since the send started (until it finished). */
  rate: number | null;
}

export const SUMMARY_COLUMNS = [
  'id',
  'post_id',
  'status',
  'subject',
  'total',
  'sent',
  'failed',
  'skipped',
  'unknown',
  'reason',
  'created_at',
  'started_at',
  'finished_at',
] as const satisfies ReadonlyArray<keyof SendsTable>;

type SummaryRow = Pick<Selectable<SendsTable>, (typeof SUMMARY_COLUMNS)[number]>;

export function toSummary(row: SummaryRow, now: Date): SendSummary {
  const done = row.sent + row.failed + row.skipped + row.unknown;
  const end = row.finished_at ? Date.parse(row.finished_at) : now.getTime();
  const seconds = row.started_at ? (end - Date.parse(row.started_at)) / 1000 : 0;
  return {
    ...row,
    pending: Math.max(0, row.total - done),
    rate: seconds > 0 ? Math.round((row.sent / seconds) * 10) / 10 : null,
  };
}

export async function getSend(db: Db, id: number, now: Date): Promise<SendSummary> {
  const row = await db.selectFrom('sends').select(SUMMARY_COLUMNS).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound(`No send with id ${id}`);
  return toSummary(row, now);
}

export interface SendPage {
  sends: SendSummary[];
  next_cursor: string | null;
}

/** Newest first; the cursor is the last id of the page. */
export async function listSends(db: Db, options: { status?: SendStatus; limit: number; cursor?: string }, now: Date): Promise<SendPage> {
  let query = db.selectFrom('sends').select(SUMMARY_COLUMNS).orderBy('id', 'desc').limit(options.limit + 1);
  if (options.status) query = query.where('status', '=', options.status);
  if (options.cursor) query = query.where('id', '<', Number(options.cursor));
  const rows = await query.execute();
  const page = rows.slice(0, options.limit);
  return {
    sends: page.map((r) => toSummary(r, now)),
    next_cursor: rows.length > options.limit ? String(page[page.length - 1]!.id) : null,
  };
}
