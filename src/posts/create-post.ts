import { atomic } from '../db/atomic.js';
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
  let slug = chosenSlug;
  try {
    return await atomic(deps.db, async (trx) => {
      if (chosenSlug === undefined) slug = await freeSlugFor(trx, input.title);
      else await assertSlugFree(trx, chosenSlug);
      const row = await trx
        .insertInto('posts')
        .values({ ...values, slug: slug! })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toPost(row);
    });
  } catch (error) {
    // Only a concurrent create can get here: the checks above saw the slug free.
    if (isUniqueViolation(error)) throw slugTaken(slug!);
    throw error;
  }
}
