import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { isUniqueViolation } from '../db/dialect.js';
import { bodyColumns, optionalColumns, scheduleTime } from './post-columns.js';
import type { CreatePostInput } from './post-input.js';
import { toPost, type Post } from './post.js';
import { assertSlugFree, explicitSlug, freeSlugFor, slugTaken } from './unique-slug.js';

/**
 * Creates a draft, or a scheduled post when `scheduled_at` is given. The slug comes from the title
 * (made unique with -2, -3, ...) unless the editor chose one, which must then be free (409).
 * The body is rendered before anything is written: a body that cannot be rendered saves nothing.
 */
export async function createPost(deps: Pick<Deps, 'db' | 'clock' | 'markdown'>, input: CreatePostInput): Promise<Post> {
  const now = deps.clock.now();
  const scheduledAt = input.scheduled_at ? scheduleTime(input.scheduled_at, now) : null;
  const chosenSlug = input.slug === undefined ? undefined : explicitSlug(input.slug);
  const values = {
    title: input.title,
    ...(await bodyColumns(deps, input.body)),
    ...optionalColumns(input),
    status: scheduledAt ? ('scheduled' as const) : ('draft' as const),
    scheduled_at: scheduledAt,
    created_at: iso(now),
    updated_at: iso(now),
  };
  // One write, so no unit is needed (D1 has none to give): the slug is read first and the unique
  // index re-checks it. A title's slug taken meanwhile by another create is chosen again.
  for (;;) {
    const slug = chosenSlug ?? (await freeSlugFor(deps.db, input.title));
    if (chosenSlug !== undefined) await assertSlugFree(deps.db, chosenSlug);
    try {
      return toPost(await deps.db.insertInto('posts').values({ ...values, slug }).returningAll().executeTakeFirstOrThrow());
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (chosenSlug !== undefined) throw slugTaken(slug);
    }
  }
}
