import { SUBSCRIBER_STATUSES, type SubscriberStatus } from '../../../db/database.js';
import { Invalid } from '../../../errors.js';
import type { SubscriberFilter } from '../../../subscribers/subscriber-page.js';

/** The list's search as the page's form sends it (and as its links carry it on). */
export interface ListQuery {
  q: string;
  status: SubscriberStatus | '';
  tag: string;
}

const isStatus = (s: string): s is SubscriberStatus => (SUBSCRIBER_STATUSES as readonly string[]).includes(s);

/** Reads the search from the query string, with the API's bounds on each field. */
export function readListQuery(query: (name: string) => string | undefined): ListQuery {
  const q = (query('q') ?? '').trim();
  const tag = (query('tag') ?? '').trim();
  const status = query('status') ?? '';
  if (q.length > 200) throw new Invalid('The search must be at most 200 characters');
  if (tag.length > 50) throw new Invalid('A tag is at most 50 characters');
  if (status !== '' && !isStatus(status)) throw new Invalid(`status must be one of ${SUBSCRIBER_STATUSES.join(', ')}`);
  return { q, tag, status };
}

export function toFilter(query: ListQuery): SubscriberFilter {
  return { q: query.q || undefined, tag: query.tag || undefined, status: query.status || undefined };
}

/** The search as a query string (only the fields set), for the next-page and export links. */
export function listSearch(query: ListQuery, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...query, ...extra })) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}
