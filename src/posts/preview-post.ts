import type { Deps } from '../deps.js';
import { NotFound } from '../errors.js';
import { PUBLIC_COLUMNS, toPublicPost, type PublicPost } from './post.js';

/**
 * Any post, draft or scheduled too, as readers would see it once published: for the editor's
 * web preview. A draft has no published_at yet, so its page shows its last change.
 */
export async function previewPost(deps: Pick<Deps, 'db'>, id: number): Promise<PublicPost> {
  const row = await deps.db.selectFrom('posts').select(PUBLIC_COLUMNS).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound(`No post with id ${id}`);
  return toPublicPost(row);
}
