import type { Deps } from '../deps.js';
import { decodeCursor, encodeCursor, subscriberPage, type SubscriberFilter } from './subscriber-page.js';
import { toViews, type SubscriberView } from './subscriber-view.js';

export const MAX_PAGE = 1000;

/** One page of the list; `next_cursor` is null on the last page. */
export async function listSubscribers(
  deps: Pick<Deps, 'db'>,
  input: SubscriberFilter & { limit: number; cursor?: string | undefined },
): Promise<{ subscribers: SubscriberView[]; next_cursor: string | null }> {
  const after = input.cursor ? decodeCursor(input.cursor) : undefined;
  const rows = await subscriberPage(deps.db, input, input.limit + 1, after);
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    subscribers: await toViews(deps.db, page),
    next_cursor: rows.length > input.limit && last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : null,
  };
}
