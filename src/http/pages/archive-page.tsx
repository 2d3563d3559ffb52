import { raw } from 'hono/html';
import type { PublicPost } from '../../posts/post.js';
import type { Settings } from '../../settings/settings.js';
import { formatDate, postPath } from './archive-format.js';
import { ArchiveSubscribeCard } from './archive-subscribe-card.js';
import { Page } from './page.js';

const ARCHIVE_STYLE = `
.posts{list-style:none;padding:0;margin:2rem 0}
.posts li{padding:1.1rem 0;border-top:1px solid var(--line)}
.posts h2{margin:0 0 .3rem}.posts h2 a{text-decoration:none}
.posts p{margin:.3rem 0}
.pager{display:flex;justify-content:space-between;gap:1rem;margin:1rem 0 3rem}
`;

/** The list of published posts, newest first, one page at a time. */
export function ArchivePage(props: { publication: Settings; posts: PublicPost[]; olderUrl: string | null; isFirstPage: boolean }) {
  const { publication } = props;
  return (
    <Page title={props.isFirstPage ? publication.name : `Older posts – ${publication.name}`} lang={publication.language}>
      <style>{raw(ARCHIVE_STYLE)}</style>
      <header>
        <h1>{publication.name}</h1>
        <p class="muted">{publication.description}</p>
      </header>
      {props.posts.length === 0 ? (
        <p>{props.isFirstPage ? 'Nothing has been published yet.' : 'There are no older posts.'}</p>
      ) : (
        <ol class="posts">
          {props.posts.map((post) => (
            <li>
              <h2>
                <a href={postPath(post.slug)}>{post.title}</a>
              </h2>
              <p class="muted">
                <time datetime={post.published_at}>{formatDate(post.published_at, publication.language)}</time>
                {post.author ? ` · ${post.author}` : ''}
              </p>
              <p>{post.summary}</p>
            </li>
          ))}
        </ol>
      )}
      <nav class="pager" aria-label="More posts">
        {props.isFirstPage ? <span /> : <a href="/posts">← Latest posts</a>}
        {props.olderUrl ? (
          <a href={props.olderUrl} rel="next">
            Older posts →
          </a>
        ) : null}
      </nav>
      <ArchiveSubscribeCard publication={publication} source="archive" />
      <p class="muted">
        <a href="/feed.xml">RSS feed</a>
      </p>
    </Page>
  );
}
