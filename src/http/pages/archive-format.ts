import type { JSX } from 'hono/jsx/jsx-runtime';

/** A publication date as readers of the publication's language write it, e.g. "24 November 2026". */
export function formatDate(iso: string, language: string): string {
  try {
    return new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso));
  } catch {
    return iso.slice(0, 10);
  }
}

/** The public address of a post, relative to the site; slugs in any script are percent-encoded. */
export const postPath = (slug: string) => `/posts/${encodeURIComponent(slug)}`;

/** A page as the string that `cachedResponse` hashes for its ETag (Page writes the doctype). */
export async function renderHtml(page: JSX.Element): Promise<string> {
  return String(await page);
}
