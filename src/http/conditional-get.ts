import { createHash } from 'node:crypto';
import type { Context } from 'hono';

/**
 * Answers a GET with validators: an ETag computed from the body itself (so any change, the
 * publication's settings included, gives a new tag) and Last-Modified from the content's own
 * times; a matching If-None-Match, or failing that If-Modified-Since, gets 304 with no body.
 * Caches may keep the page but must ask again each time (no-cache): edits show at once, and the
 * revalidation costs one render and no transfer.
 */
export function cachedResponse(c: Context, body: string, options: { contentType: string; lastModified?: string | undefined }): Response {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
  const modified = options.lastModified ? new Date(options.lastModified) : undefined;
  const headers: Record<string, string> = { ETag: etag, 'Cache-Control': 'public, no-cache' };
  if (modified) headers['Last-Modified'] = modified.toUTCString();
  if (notModified(c, etag, modified)) return c.body(null, 304, headers);
  return c.body(body, 200, { ...headers, 'Content-Type': options.contentType });
}

function notModified(c: Context, etag: string, modified: Date | undefined): boolean {
  const ifNoneMatch = c.req.header('if-none-match');
  // RFC 9110 13.1.3: when If-None-Match is present, If-Modified-Since is ignored.
  if (ifNoneMatch !== undefined) {
    return ifNoneMatch.split(',').some((tag) => {
      const t = tag.trim();
      return t === '*' || t.replace(/^W\//, '') === etag;
    });
  }
  const since = Date.parse(c.req.header('if-modified-since') ?? '');
  // HTTP dates have whole seconds, so compare at that resolution.
  return modified !== undefined && !Number.isNaN(since) && Math.floor(modified.getTime() / 1000) * 1000 <= since;
}
