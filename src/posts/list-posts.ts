import type { PostStatus } from '../db/database.js';
import type { Deps } from '../deps.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { toPostListItem, type PostListItem } from './post.js';

export interface PostPage<T> {
  posts: T[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  next_cursor: string | null;
}

export interface ListPostsQuery {
  status?: PostStatus | undefined;
  limit: number;
  cursor?: string | undefined;
}

const LIST_COLUMNS = [
  'id', 'slug', 'title', 'excerpt', 'author', 'tags', 'email_subject', 'status', 'scheduled_at', 'published_at',
  'send_on_publish', 'publish_error', 'publish_attempts', 'publish_retry_at', 'created_at', 'updated_at',
] as const;

/** Posts for editors, newest (most recently created) first, without their bodies. */
export async function listPosts(deps: Pick<Deps, 'db'>, query: ListPostsQuery): Promise<PostPage<PostListItem>> {
  let select = deps.db.selectFrom('posts').select(LIST_COLUMNS).orderBy('id', 'desc').limit(query.limit + 1);
  if (query.status) select = select.where('status', '=', query.status);
  if (query.cursor) {
    const [afterId] = decodeCursor(query.cursor, ['number']);
    select = select.where('id', '<', afterId);
  }
  const rows = await select.execute();
  const page = rows.slice(0, query.limit);
  return {
    posts: page.map(toPostListItem),
    next_cursor: rows.length > query.limit ? encodeCursor([page.at(-1)!.id]) : null,
  };
}
