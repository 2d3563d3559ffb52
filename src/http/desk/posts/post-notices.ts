import type { Post } from '../../../posts/post.js';
import { formatUtc } from '../utc-time.js';

/**
 * What `?done=` after a redirect says. Fixed messages, filled only from stored values (the post,
 * the signed-in editor), never from the query: a crafted link cannot put words on the desk.
 */
export function postNotice(done: string | undefined, post: Post, editorEmail: string): string | undefined {
  switch (done) {
    case 'created':
      return 'Draft created.';
    case 'saved':
      return 'Saved.';
    case 'scheduled':
      return post.scheduled_at ? `Scheduled for ${formatUtc(post.scheduled_at)}.` : undefined;
    case 'test-sent':
      return `Test sent to ${editorEmail}.`;
    case 'already-published':
      return 'This post is already published: it was not published or mailed again.';
    default:
      return undefined;
  }
}
