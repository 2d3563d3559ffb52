import type { Context } from 'hono';

/**
 * Previews show a mail or a public page, whose styles are inline, inside a frame of the desk:
 * their own policy allows those styles and no script at all, and framing by the desk only.
 * X-Frame-Options for browsers that predate frame-ancestors (the app would otherwise say DENY).
 */
export const PREVIEW_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src https: data: 'self'; frame-ancestors 'self'";

export function previewResponse(c: Context, html: string) {
  return c.html(html, 200, { 'Content-Security-Policy': PREVIEW_POLICY, 'X-Frame-Options': 'SAMEORIGIN' });
}
