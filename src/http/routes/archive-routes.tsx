import { Hono } from 'hono';
import type { Deps } from '../../deps.js';
import { loadInstallId } from '../../mail/message-id.js';
import { getPublishedPost } from '../../posts/get-post.js';
import { listPublished } from '../../posts/list-published.js';
import type { PublicPost } from '../../posts/post.js';
import { getSettings } from '../../settings/settings.js';
import { cachedResponse } from '../conditional-get.js';
import { renderHtml } from '../pages/archive-format.js';
import { renderFeed } from '../pages/archive-feed.js';
import { ArchivePage } from '../pages/archive-page.js';
import { PostPage } from '../pages/post-page.js';

export const ARCHIVE_PAGE_SIZE = 20;
export const FEED_SIZE = 20;

const HTML = 'text/html; charset=utf-8';

// updated_at moves on every edit and on publishing, so it is the content's last change.
const lastChange = (posts: PublicPost[]) => posts.reduce<string | undefined>((max, p) => (max && max > p.updated_at ? max : p.updated_at), undefined);

/** The public web: the archive, each published post, and the RSS feed. */
export function archiveRoutes(deps: Deps) {
  const app = new Hono();
  const publication = () => getSettings(deps.db, deps.config);

  app.get('/posts', async (c) => {
    const before = c.req.query('before');
    const [settings, page] = await Promise.all([publication(), listPublished(deps, { limit: ARCHIVE_PAGE_SIZE, cursor: before })]);
    const html = await renderHtml(
      <ArchivePage
        publication={settings}
        posts={page.posts}
        olderUrl={page.next_cursor ? `/posts?before=${page.next_cursor}` : null}
        isFirstPage={!before}
      />,
    );
    return cachedResponse(c, html, { contentType: HTML, lastModified: lastChange(page.posts) });
  });

  app.get('/posts/:slug', async (c) => {
    const [settings, post] = await Promise.all([publication(), getPublishedPost(deps, c.req.param('slug'))]);
    const html = await renderHtml(<PostPage publication={settings} post={post} />);
    return cachedResponse(c, html, { contentType: HTML, lastModified: post.updated_at });
  });

  app.get('/feed.xml', async (c) => {
    const [settings, page, installId] = await Promise.all([publication(), listPublished(deps, { limit: FEED_SIZE }), loadInstallId(deps.db)]);
    return cachedResponse(c, renderFeed(settings, page.posts, installId), { contentType: 'application/rss+xml; charset=utf-8', lastModified: lastChange(page.posts) });
  });

  return app;
}
