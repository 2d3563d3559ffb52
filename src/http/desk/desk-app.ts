import { Hono } from 'hono';
import type { Deps } from '../../deps.js';
import type { RemoteAddress } from '../request.js';
import { deskAuthRoutes } from '../routes/desk-auth-routes.js';
import { dashboardRoutes } from './dashboard/dashboard-routes.js';
import { deskAssetRoutes } from './desk-assets.js';
import type { DeskEnv } from './desk-env.js';
import { deskSecurity } from './desk-security.js';
import { sendsRoutes } from './sends/sends-routes.js';
import { postsRoutes } from './posts/posts-routes.js';
import { settingsAreaRoutes } from './settings/settings-area.js';
import { subscriberAreaRoutes } from './subscribers/subscribers-area.js';

/**
 * Every signed-in area of the desk (dashboard, posts, sends, subscribers, settings). Each area is
 * thin: its routes call the same domain verbs as the admin API. They sit behind the guard
 * (editor and CSRF token on the context, CSRF checked on every unsafe request).
 */
export function deskAreaRoutes(deps: Deps): Hono<DeskEnv> {
  const app = new Hono<DeskEnv>();
  app.route('/', dashboardRoutes(deps));
  app.route('/', sendsRoutes(deps));
  app.route('/', postsRoutes(deps));
  app.route('/', settingsAreaRoutes(deps));
  app.route('/', subscriberAreaRoutes(deps));
  return app;
}

/** The desk under /admin: its headers, its assets (open: the sign-in page needs them), the guard, the areas. */
export function deskRoutes(deps: Deps, remoteAddress?: RemoteAddress): Hono {
  const app = new Hono();
  app.use('/admin', deskSecurity());
  app.use('/admin/*', deskSecurity());
  app.route('/', deskAssetRoutes());
  app.route('/', deskAuthRoutes(deps, deskAreaRoutes(deps), remoteAddress));
  return app;
}
