import type { MiddlewareHandler } from 'hono';

/**
 * The desk's Content-Security-Policy: styles, scripts and fetches from 'self' only, no inline
 * code, no framing by others. Set before the app-wide headers, which keep a policy a route set.
 * Preview routes that show a mail (inline styles, framed by the desk) set their own.
 */
export const DESK_POLICY =
  "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' https: data:; connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export function deskSecurity(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (!c.res.headers.has('Content-Security-Policy')) c.header('Content-Security-Policy', DESK_POLICY);
    // Under the site's `no-referrer`, browsers send `Origin: null` with the desk's own form
    // posts, and the same-origin check could not tell them from a forged one.
    c.header('Referrer-Policy', 'same-origin');
    // Pages that show readers' addresses and the editor's work: never cached by anyone. The
    // desk's own assets say how long they keep.
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  };
}
