import type { Deps } from '../deps.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { PostPage } from './list-posts.js';
import { PUBLIC_COLUMNS, toPublicPost, type PublicPost } from './post.js';

/** Published posts for readers (archive, feed), newest publication first. */
export async function listPublished(deps: Pick<Deps, 'db'>, query: { limit: number; cursor?: string | undefined }): Promise<PostPage<PublicPost>> {
  let select = deps.db
    .selectFrom('posts')
    .select(PUBLIC_COLUMNS)
    .where('status', '=', 'published')
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit + 1);
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, ['string', 'number']);
    select = select.where((eb) => eb.or([eb('published_at', '<', at), eb.and([eb('published_at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await select.execute();
  const posts = rows.slice(0, query.limit).map(toPublicPost);
  const last = posts.at(-1);
  return { posts, next_cursor: rows.length > query.limit && last ? encodeCursor([last.published_at, last.id]) : null };
}
