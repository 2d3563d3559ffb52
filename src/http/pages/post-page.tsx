import { raw } from 'hono/html';
import type { PublicPost } from '../../posts/post.js';
import type { Settings } from '../../settings/settings.js';
import { formatDate } from './archive-format.js';
import { ArchiveSubscribeCard } from './archive-subscribe-card.js';
import { Page } from './page.js';

// Only for the post's own HTML (images, code, tables must fit a phone screen). A constant, so it
// is written raw: JSX would escape the quotes CSS needs.
const ARTICLE_STYLE = `
.site{display:block;margin-bottom:2rem;text-decoration:none;font-weight:bold}
.post-body img{max-width:100%;height:auto}
.post-body pre{overflow-x:auto;padding:.8rem;background:var(--card);border:1px solid var(--line);border-radius:6px;font-size:.85rem}
.post-body code{font-size:.9em}
.post-body blockquote{margin:1rem 0;padding-left:1rem;border-left:3px solid var(--line);color:var(--muted)}
.post-body table{border-collapse:collapse;display:block;overflow-x:auto}
.post-body th,.post-body td{border:1px solid var(--line);padding:.3rem .6rem}
.tags{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.5rem}
aside.card{margin-top:3rem}
`;

/** One published post, in full, with the subscribe form under it. */
export function PostPage(props: { publication: Settings; post: PublicPost }) {
  const { post, publication } = props;
  return (
    <Page title={`${post.title} – ${publication.name}`} lang={publication.language}>
      <style>{raw(ARTICLE_STYLE)}</style>
      <a class="site" href="/posts">
        {publication.name}
      </a>
      <article>
        <header>
          <h1>{post.title}</h1>
          <p class="muted">
            {post.author ? `${post.author} · ` : ''}
            <time datetime={post.published_at}>{formatDate(post.published_at, publication.language)}</time>
          </p>
        </header>
        {/* Sanitised when the post was saved (src/posts/render-markdown.ts). */}
        <div class="post-body">{raw(post.body_html)}</div>
        {post.tags.length > 0 ? (
          <ul class="tags muted" aria-label="Tags">
            {post.tags.map((tag) => (
              <li>#{tag}</li>
            ))}
          </ul>
        ) : null}
      </article>
      <ArchiveSubscribeCard publication={publication} source="post" />
    </Page>
  );
}
