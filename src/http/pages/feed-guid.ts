import { createHmac } from 'node:crypto';
import type { PublicPost } from '../../posts/post.js';

/**
 * A post's <guid> in the feed: a name-based UUID (RFC 9562 version 8) of the post's id and first
 * publication time, keyed by the install's SECRET so two installs never share one. Nothing in it
 * comes from PUBLIC_URL: moving the publication to a new address must not make every reader's
 * feed app show the last posts again as new. (Rotating SECRET does change them, as it revokes
 * every link in mail already sent.)
 */
export function feedGuid(secret: string, post: Pick<PublicPost, 'id' | 'published_at'>): string {
  const hex = createHmac('sha256', secret).update(`feed-guid:${post.id}:${post.published_at}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
