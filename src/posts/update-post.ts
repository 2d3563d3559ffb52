import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { Conflict } from '../errors.js';
import { getPost } from './get-post.js';
import { isUniqueViolation } from '../db/dialect.js';
import { bodyColumns, CLEAR_PUBLISH_FAILURE, optionalColumns, scheduleTime, type PostChanges } from './post-columns.js';
import type { UpdatePostInput } from './post-input.js';
import { toPost, type Post } from './post.js';
import { assertSlugFree, explicitSlug, slugTaken } from './unique-slug.js';

/**
 * Changes some fields of a post. Published posts can still be corrected (title, body, ...), and
 * the web page follows; but their slug is fixed, because links to them are already out in
 * mailings and feeds: changing it is a 409 (sending the same slug back is fine). `scheduled_at`
 * reschedules a draft or scheduled post, and `null` takes a scheduled post back to draft.
 * The title never renames the slug: the slug is settled when the post is created.
 */
export async function updatePost(deps: Pick<Deps, 'db' | 'clock' | 'markdown'>, id: number, input: UpdatePostInput): Promise<Post> {
  const now = deps.clock.now();
  const slug = input.slug === undefined ? undefined : explicitSlug(input.slug);
  const schedule = input.scheduled_at === undefined ? undefined : input.scheduled_at === null ? null : scheduleTime(input.scheduled_at, now);
  const changes: PostChanges = {
    ...(input.title === undefined ? {} : { title: input.title }),
    ...(input.body === undefined ? {} : await bodyColumns(deps, input.body)),
    ...optionalColumns(input),
    ...(slug === undefined ? {} : { slug }),
  };
  if (schedule !== undefined) {
    Object.assign(changes, { status: schedule ? 'scheduled' : 'draft', scheduled_at: schedule }, CLEAR_PUBLISH_FAILURE);
  }
  if (Object.keys(changes).length === 0) return getPost(deps, id);
  changes.updated_at = iso(now);

  // One write, so no unit is needed (D1 has none to give): the slug is checked first for a clear
  // 409, and the unique index refuses one taken meanwhile; the UPDATE's own guards decide the rest.
  try {
    if (slug !== undefined) await assertSlugFree(deps.db, slug, id);
    let update = deps.db.updateTable('posts').set(changes).where('id', '=', id);
    // Guards in the UPDATE itself, so a post published meanwhile by the worker is safe too.
    if (slug !== undefined) update = update.where((eb) => eb.or([eb('status', 'in', ['draft', 'scheduled']), eb('slug', '=', slug)]));
    if (schedule !== undefined) update = update.where('status', 'in', ['draft', 'scheduled']);
    const row = await update.returningAll().executeTakeFirst();
    if (row) return toPost(row);
    await getPost(deps, id); // 404 when it does not exist
    throw new Conflict(
      schedule !== undefined
        ? 'The post is already published, so it cannot be scheduled'
        : 'The slug of a published post cannot change: links to it are already out',
    );
  } catch (error) {
    if (isUniqueViolation(error)) throw slugTaken(slug!);
    throw error;
  }
}
