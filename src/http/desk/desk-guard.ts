import type { MiddlewareHandler } from 'hono';
import type { Deps } from '../../deps.js';
import { lookupSession } from '../../editors/lookup-session.js';
import { sameText } from '../../editors/secret-token.js';
import { Forbidden } from '../../errors.js';
import { isFormPost } from '../request.js';
import type { DeskCookies } from './desk-cookies.js';
import { CSRF_FIELD, type DeskEnv } from './desk-env.js';
import { requireSameOrigin } from './same-origin.js';

/**
 * Desk pages anyone may open: they bring their own proof (a password, a one-time link), or, for
 * a reset request, prove nothing and reveal nothing (the link goes to the address's own mailbox).
 */
const OPEN = /^\/admin\/(?:sign-in|forgot-password|set-password\/[^/]+)\/?$/;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Guards /admin/*. Every unsafe request must come from this site (same-origin.ts). Outside the
 * open pages a live session is needed: without one, a 303 to the sign-in page that comes back
 * here afterwards. Every unsafe request in a session must also carry the session's CSRF token
 * in its form, so a page elsewhere cannot make a signed-in editor's browser act.
 */
export function deskGuard(deps: Deps, cookies: DeskCookies): MiddlewareHandler<DeskEnv> {
  return async (c, next) => {
    const unsafe = !SAFE_METHODS.has(c.req.method);
    if (unsafe) requireSameOrigin(c, deps.config.publicUrl);
    if (OPEN.test(c.req.path)) return next();

    const session = await lookupSession(deps, cookies.session.get(c));
    if (!session) {
      const back = unsafe ? '/admin' : c.req.path + new URL(c.req.url).search;
      return c.redirect(`/admin/sign-in?next=${encodeURIComponent(back)}`, 303);
    }
    if (unsafe) {
      const given = isFormPost(c) ? (await c.req.parseBody())[CSRF_FIELD] : undefined;
      if (typeof given !== 'string' || !sameText(given, session.csrfToken)) {
        throw new Forbidden('This form has expired or did not come from the desk, so nothing was changed. Go back, reload the page and try again.');
      }
    }
    c.set('session', session);
    c.set('editor', session.editor);
    c.set('csrf', session.csrfToken);
    await next();
  };
}
