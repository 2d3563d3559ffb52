import type { Db } from '../db/database.js';
import { Conflict, Invalid } from '../errors.js';
import { isSlug, SLUG_MAX, slugify } from './slugify.js';

/** A slug the editor typed: it must already be in slug form, so the URL is exactly what they chose. */
export function explicitSlug(input: string): string {
  const slug = input.trim().normalize('NFC');
  if (!isSlug(slug) || [...slug].length > SLUG_MAX) {
    const suggestion = slugify(slug);
    throw new Invalid(`slug must be lower-case letters and digits joined by dashes${suggestion ? `, e.g. "${suggestion}"` : ''}`);
  }
  return slug;
}

/** Refuses a slug that another post already has (409): an explicit slug is never altered. */
export async function assertSlugFree(db: Db, slug: string, exceptId?: number): Promise<void> {
  let query = db.selectFrom('posts').select('id').where('slug', '=', slug);
  if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
  if (await query.executeTakeFirst()) throw slugTaken(slug);
}

/** The slug for a title: its slugified form, or with -2, -3, ... when that is taken. */
export async function freeSlugFor(db: Db, title: string): Promise<string> {
  const base = slugify(title) || 'post';
  // Slugs hold no LIKE wildcards (% and _ are not letters), so the pattern is literal.
  const rows = await db
    .selectFrom('posts')
    .select('slug')
    .where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)]))
    .execute();
  const taken = new Set(rows.map((r) => r.slug));
  let slug = base;
  for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
  return slug;
}

export const slugTaken = (slug: string) => new Conflict(`The slug "${slug}" is already used by another post`);

