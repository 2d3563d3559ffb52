import { sql } from 'kysely';
import type { Db, SubscriberStatus } from '../db/database.js';
import { Invalid } from '../errors.js';
import type { SubscriberRow } from './subscriber-view.js';

/** What the admin list and the export can be narrowed to. */
export interface SubscriberFilter {
  status?: SubscriberStatus | undefined;
  tag?: string | undefined;
  /** Part of the address or the name, case-insensitive. */
  q?: string | undefined;
  /** Exclusive bounds on created_at, ISO timestamps. */
  createdAfter?: string | undefined;
  createdBefore?: string | undefined;
}

/** Where a page ends: the sort key of its last row. */
export interface Cursor {
  createdAt: string;
  id: number;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');
}

export function decodeCursor(token: string): Cursor {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown[];
    if (typeof createdAt === 'string' && Number.isSafeInteger(id)) return { createdAt, id: id as number };
  } catch {
    // Falls through to the one error below.
  }
  throw new Invalid('cursor is not valid: pass back the next_cursor of a previous page');
}

// LIKE treats % and _ as wildcards: a search for "100%" must match those characters literally.
const likeContains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * One page of subscribers, newest first by (created_at, id). Keyset paging: every row that
 * existed when the walk began is seen exactly once, whatever is inserted meanwhile.
 */
export async function subscriberPage(db: Db, filter: SubscriberFilter, limit: number, after?: Cursor): Promise<SubscriberRow[]> {
  let qb = db.selectFrom('subscribers').selectAll('subscribers');
  if (filter.status) qb = qb.where('status', '=', filter.status);
  if (filter.createdAfter) qb = qb.where('created_at', '>', filter.createdAfter);
  if (filter.createdBefore) qb = qb.where('created_at', '<', filter.createdBefore);
  if (filter.tag) {
    const tag = filter.tag.trim().toLowerCase();
    qb = qb.where(({ exists, selectFrom }) =>
      exists(selectFrom('subscriber_tags').select('subscriber_tags.tag').whereRef('subscriber_tags.subscriber_id', '=', 'subscribers.id').where('subscriber_tags.tag', '=', tag)),
    );
  }
  if (filter.q) {
    // email_normalized is already lower-case; lower(name) keeps the match case-insensitive on
    // PostgreSQL too, where LIKE is case-sensitive.
    const pattern = likeContains(filter.q.toLowerCase());
    qb = qb.where((eb) =>
      eb.or([
        sql<boolean>`${eb.ref('email_normalized')} like ${pattern} escape '\\'`,
        sql<boolean>`lower(${eb.ref('name')}) like ${pattern} escape '\\'`,
      ]),
    );
  }
  if (after) {
    // A row-value comparison lets SQLite and PostgreSQL seek in the (created_at, id) index; the
    // equivalent OR form scans from the top of the list on every page.
    qb = qb.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(after.createdAt, after.id)));
  }
  return qb.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
