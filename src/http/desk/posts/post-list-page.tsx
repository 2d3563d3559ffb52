import { POST_STATUSES, type PostStatus } from '../../../db/database.js';
import type { PostListItem } from '../../../posts/post.js';
import type { DeskEditor } from '../desk-env.js';
import { DeskPage } from '../desk-layout.js';
import { formatUtc } from '../utc-time.js';

const STATUS_LABEL: Record<PostStatus, string> = { draft: 'Draft', scheduled: 'Scheduled', published: 'Published' };

/** The moment that matters for a post in its state. */
function when(post: PostListItem): string {
  if (post.status === 'published' && post.published_at) return `Published ${formatUtc(post.published_at)}`;
  if (post.status === 'scheduled' && post.scheduled_at) return `Publishes ${formatUtc(post.scheduled_at)}`;
  return `Edited ${formatUtc(post.updated_at)}`;
}

export interface PostListProps {
  editor: DeskEditor;
  csrf: string;
  posts: PostListItem[];
  status: PostStatus | undefined;
  olderUrl: string | null;
  error?: string | undefined;
}

/** /admin/posts: every post, newest first, filtered by state, each linking to its editor. */
export function PostListPage(props: PostListProps) {
  const caption = props.status ? `${STATUS_LABEL[props.status]} posts, newest first` : 'All posts, newest first';
  return (
    <DeskPage title="Posts" section="posts" editor={props.editor} csrf={props.csrf}>
      {props.error ? (
        <p class="notice error" role="alert">
          {props.error}
        </p>
      ) : null}
      <div class="actions post-list-tools">
        <a class="button" href="/admin/posts/new">
          New post
        </a>
        <form method="get" action="/admin/posts" class="actions">
          <label for="status-filter">Show</label>
          <select id="status-filter" name="status">
            <option value="">All posts</option>
            {POST_STATUSES.map((status) => (
              <option value={status} selected={props.status === status}>
                {STATUS_LABEL[status]}
              </option>
            ))}
          </select>
          <button class="secondary">Filter</button>
        </form>
      </div>
      {props.posts.length === 0 ? (
        <p class="muted">No posts here yet.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption>{caption}</caption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Status</th>
                <th scope="col">When</th>
              </tr>
            </thead>
            <tbody>
              {props.posts.map((post) => (
                <tr>
                  <td>
                    <a href={`/admin/posts/${post.id}`}>{post.title}</a>
                  </td>
                  <td>
                    <span class={`badge status-${post.status}`}>{STATUS_LABEL[post.status]}</span>
                  </td>
                  <td>{when(post)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.olderUrl ? (
        <p>
          <a href={props.olderUrl}>Older posts</a>
        </p>
      ) : null}
    </DeskPage>
  );
}
