import type { Deps } from './deps.js';
import { adminAuth } from './http/admin-auth.js';
import { errorBody, handleError } from './http/errors.js';
import { createRouter } from './http/openapi.js';
import { deskRoutes } from './http/desk/desk-app.js';
import { MessagePage } from './http/pages/message-page.js';
import { pageSecurity } from './http/page-security.js';
import type { RemoteAddress } from './http/request.js';
import { archiveRoutes } from './http/routes/archive-routes.js';
import { docsRoutes } from './http/routes/docs-routes.js';
import { keyRoutes } from './http/routes/key-routes.js';
import { postRoutes } from './http/routes/post-routes.js';
import { sendRoutes } from './http/routes/send-routes.js';
import { settingsRoutes } from './http/routes/settings-routes.js';
import { subscriptionRoutes } from './http/routes/subscription-routes.js';
import { statsRoutes } from './http/routes/stats-routes.js';
import { subscriberRoutes } from './http/routes/subscriber-routes.js';
import { suppressionRoutes } from './http/routes/suppression-routes.js';
import { webhookRoutes } from './http/routes/webhook-routes.js';

export interface HttpOptions {
  /** The socket's peer address (Node); without it, rate limits key on proxy headers or nothing. */
  remoteAddress?: RemoteAddress;
}

/** Builds the whole HTTP application from its dependencies; no I/O happens here. */
export function createApp(deps: Deps, http: HttpOptions = {}) {
  const app = createRouter();
  app.use(pageSecurity());
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.route('/', subscriptionRoutes(deps, http.remoteAddress));

  app.use('/api/admin/*', adminAuth(deps, http.remoteAddress));
  app.route('/', keyRoutes(deps));
  app.route('/', postRoutes(deps));
  app.route('/', sendRoutes(deps));
  app.route('/', settingsRoutes(deps));
  app.route('/', subscriberRoutes(deps));
  app.route('/', suppressionRoutes(deps));
  app.route('/', statsRoutes(deps));
  app.route('/', webhookRoutes(deps));
  app.route('/', archiveRoutes(deps));
  app.route('/', docsRoutes(app, deps.docsAssets));
  app.route('/', deskRoutes(deps, http.remoteAddress));

  app.notFound((c) =>
    c.req.path.startsWith('/api/')
      ? c.json(errorBody('not_found', 'No such route'), 404)
      : c.html(MessagePage({ title: 'Not found', message: 'There is no page at this address.' }), 404),
  );
  app.onError(handleError(deps.logger));
  return app;
}
