import { Feed } from 'feed';
import type { PublicPost } from '../../posts/post.js';
import type { Settings } from '../../settings/settings.js';
import { postPath } from './archive-format.js';

/** RSS 2.0 of the given posts (newest first), with each post's full HTML as its content. */
export function renderFeed(publication: Settings, posts: PublicPost[]): string {
  const base = publication.public_url;
  const feed = new Feed({
    title: publication.name,
    description: publication.description,
    id: `${base}/posts`,
    link: `${base}/posts`,
    language: publication.language,
    updated: posts[0] ? new Date(posts[0].published_at) : undefined,
    generator: 'Broadsheet',
    feedLinks: { rss: `${base}/feed.xml` },
  });
  for (const post of posts) {
    const url = `${base}${postPath(post.slug)}`;
    feed.addItem({
      title: post.title,
      id: url,
      link: url,
      date: new Date(post.published_at),
      description: post.summary,
      content: post.body_html,
      // RSS's own <author> wants an email address; dc:creator is how feeds name a person.
      extensions: post.author ? [{ name: 'dc:creator', objects: { _text: post.author } }] : undefined,
      category: post.tags.map((name) => ({ name })),
    });
  }
  return feed.rss2();
}
