import type { PublicPost } from '../../posts/post.js';

/**
 * A post's <guid> in the feed: this installation's random id (made once by migration 0006, the
 * same one Message-IDs carry), the post's id and its first publication time. Nothing in it comes
 * from PUBLIC_URL or SECRET: moving the publication to a new address or rotating the secret must
 * not make every reader's feed app show the last posts again as new. The publication time keeps
 * a deleted post's reused id from taking over its GUID.
 */
export function feedGuid(installId: string, post: Pick<PublicPost, 'id' | 'published_at'>): string {
  return `urn:broadsheet:${installId}:post:${post.id}:${Date.parse(post.published_at)}`;
}
