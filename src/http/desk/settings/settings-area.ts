import { Hono } from 'hono';
import type { Deps } from '../../../deps.js';
import type { DeskEnv } from '../desk-env.js';
import { keyRoutes } from './key-routes.js';
import { publicationRoutes } from './publication-routes.js';

/** The desk's settings section: the publication's settings and the admin API keys. */
export function settingsAreaRoutes(deps: Deps) {
  const app = new Hono<DeskEnv>();
  app.route('/', publicationRoutes(deps));
  app.route('/', keyRoutes(deps));
  return app;
}
