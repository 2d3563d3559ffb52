import { Hono } from 'hono';
import type { Deps } from '../../../deps.js';
import type { DeskEnv } from '../desk-env.js';
import { editorRoutes } from './editor-routes.js';
import { keyRoutes } from './key-routes.js';
import { publicationRoutes } from './publication-routes.js';

/** The desk's settings section: the publication's settings, the admin API keys and the editors. */
export function settingsAreaRoutes(deps: Deps) {
  const app = new Hono<DeskEnv>();
  app.route('/', publicationRoutes(deps));
  app.route('/', keyRoutes(deps));
  app.route('/', editorRoutes(deps));
  return app;
}
