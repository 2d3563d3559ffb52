import type { Deps } from '../deps.js';
import { NotFound } from '../errors.js';
import { PUBLIC_COLUMNS, toPost, toPublicPost, type Post, type PublicPost } from './post.js';

/** Any post, by id, for editors. */
export async function getPost(deps: Pick<Deps, 'db'>, id: number): Promise<Post> {
  const row = await deps.db.selectFrom('posts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound(`No post with id ${id}`);
  return toPost(row);
}

/** A published post, by slug, for readers; drafts and scheduled posts do not exist for them. */
export async function getPublishedPost(deps: Pick<Deps, 'db'>, slug: string): Promise<PublicPost> {
  const row = await deps.db.selectFrom('posts').select(PUBLIC_COLUMNS).where('slug', '=', slug).where('status', '=', 'published').executeTakeFirst();
  if (!row) throw new NotFound('There is no post at this address.');
  return toPublicPost(row);
}
