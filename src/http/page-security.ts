import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/**
 * Pages a publisher may put in a frame on their own site: the subscribe page, the embed page and
 * the pages a framed subscribe form posts to. Every other page (the token pages above all, where
 * a framing site could trick a reader into clicking "Unsubscribe") refuses to be framed.
 */
const EMBEDDABLE = new Set(['/subscribe', '/embed', '/api/subscribe']);

/** Pages that name the reader (their address, their name): no cache, shared or private, keeps them. */
const PERSONAL = /^\/(?:confirm|unsubscribe|preferences)\/|^\/api\/subscribe$/;

// Pages carry no scripts. A route that needs its own policy (/docs runs Swagger UI) sets the
// header itself, hence overwrite: false.
const PAGE_POLICY = { defaultSrc: ["'none'"], styleSrc: ["'unsafe-inline'"], imgSrc: ["'self'", 'https:', 'data:'], formAction: ["'self'"] };

const framable = secureHeaders({ xFrameOptions: false, contentSecurityPolicy: PAGE_POLICY, overwrite: false });
// X-Frame-Options for browsers that predate frame-ancestors.
const unframable = secureHeaders({ xFrameOptions: 'DENY', contentSecurityPolicy: { ...PAGE_POLICY, frameAncestors: ["'none'"] }, overwrite: false });

/** Security headers of every response, chosen by path. */
export function pageSecurity(): MiddlewareHandler {
  return async (c, next) => {
    const path = c.req.path;
    await (EMBEDDABLE.has(path) ? framable : unframable)(c, async () => {
      await next();
      if (PERSONAL.test(path)) c.header('Cache-Control', 'no-store');
    });
  };
}
