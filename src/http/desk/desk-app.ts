import { Hono } from 'hono';
import type { Deps } from '../../deps.js';
import { deskAssetRoutes } from './desk-assets.js';
import type { DeskEnv } from './desk-env.js';
import { deskSecurity } from './desk-security.js';
import { subscriberAreaRoutes } from './subscribers/subscribers-area.js';

/**
 * Every signed-in area of the desk (dashboard, posts, sends, subscribers, settings). Each area is
 * thin: its routes call the same domain verbs as the admin API. They expect the session
 * middleware in front of them (editor and CSRF token on the context, CSRF checked on POST).
 */
export function deskAreaRoutes(deps: Deps): Hono<DeskEnv> {
  const app = new Hono<DeskEnv>();
  app.route('/', subscriberAreaRoutes(deps));
  return app;
}

/** The desk under /admin: its headers and assets. Areas are mounted behind sign-in only. */
export function deskRoutes(): Hono {
  const app = new Hono();
  app.use('/admin/*', deskSecurity());
  app.use('/admin', deskSecurity());
  app.route('/', deskAssetRoutes());
  return app;
}
