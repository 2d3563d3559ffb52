import type { Deps } from '../deps.js';
import { Conflict, NotFound } from '../errors.js';
import { isForeignKeyViolation } from '../db/dialect.js';

/**
 * Deletes a post of any status; a published one leaves the web archive and the feed. A post that
 * has been mailed stays: its mailing and delivery records refer to it (409).
 */
export async function deletePost(deps: Pick<Deps, 'db'>, id: number): Promise<void> {
  let deleted: bigint;
  try {
    ({ numDeletedRows: deleted } = await deps.db.deleteFrom('posts').where('id', '=', id).executeTakeFirstOrThrow());
  } catch (error) {
    if (isForeignKeyViolation(error)) throw new Conflict('This post has been mailed, and its mailing refers to it: it cannot be deleted');
    throw error;
  }
  if (deleted === 0n) throw new NotFound(`No post with id ${id}`);
}
