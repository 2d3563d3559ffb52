import { Hono } from 'hono';
import type { Deps } from '../../../deps.js';
import type { DeskEnv } from '../desk-env.js';
import { deskAreaError } from './area-error.js';
import { importRoutes } from './import-routes.js';
import { readerRoutes } from './reader-routes.js';
import { subscriberListRoutes } from './subscriber-list-routes.js';
import { suppressionDeskRoutes } from './suppression-routes.js';

/** The desk's subscribers area: the list, each reader, import and export, the suppression list. */
export function subscriberAreaRoutes(deps: Deps) {
  const app = new Hono<DeskEnv>();
  app.route('/', subscriberListRoutes(deps));
  app.route('/', importRoutes(deps));
  app.route('/', readerRoutes(deps));
  app.route('/', suppressionDeskRoutes(deps));
  app.onError(deskAreaError);
  return app;
}
