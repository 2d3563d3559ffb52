import { Feed } from 'feed';
import type { PublicPost } from '../../posts/post.js';
import { absoluteUrls } from '../../render/absolute-urls.js';
import { escapeHtml } from '../../render/placeholders.js';
import type { Settings } from '../../settings/settings.js';
import { postPath } from './archive-format.js';
import { feedGuid } from './feed-guid.js';

/**
 * RSS 2.0 of the given posts (newest first), with each post's full HTML as its content.
 *
 * Feed readers take an RSS title and description as HTML, and the `feed` package writes them as
 * CDATA unchanged. Titles, summaries and the channel's own text are plain text, so they are
 * HTML-escaped here: a post about `<img onerror=…>` shows the code instead of running it.
 * `content:encoded` is the post's sanitised HTML, where such text is already escaped; its
 * relative links and images are made absolute against the post's own URL, as a browser on the
 * web page would read them, because a feed reader has no page to resolve them against.
 */
export function renderFeed(publication: Settings, posts: PublicPost[], installId: string): string {
  const base = publication.public_url;
  const feed = new Feed({
    title: escapeHtml(publication.name),
    description: escapeHtml(publication.description),
    id: `${base}/posts`,
    link: `${base}/posts`,
    language: publication.language,
    updated: posts[0] ? new Date(posts[0].published_at) : undefined,
    generator: 'Broadsheet',
    feedLinks: { rss: `${base}/feed.xml` },
  });
  for (const post of posts) {
    const link = `${base}${postPath(post.slug)}`;
    feed.addItem({
      title: escapeHtml(post.title),
      // Not the URL, which changes with PUBLIC_URL; the package marks it isPermaLink="false".
      id: feedGuid(installId, post),
      link,
      date: new Date(post.published_at),
      description: escapeHtml(post.summary),
      content: absoluteUrls(post.body_html, link),
      // RSS's own <author> wants an email address; dc:creator is how feeds name a person.
      extensions: post.author ? [{ name: 'dc:creator', objects: { _text: post.author } }] : undefined,
      category: post.tags.map((name) => ({ name })),
    });
  }
  return feed.rss2();
}
