import { secureHeaders } from 'hono/secure-headers';
import type { Deps } from './deps.js';
import { adminAuth } from './http/admin-auth.js';
import { errorBody, handleError } from './http/errors.js';
import { createRouter } from './http/openapi.js';
import type { RemoteAddress } from './http/request.js';
import { keyRoutes } from './http/routes/key-routes.js';
import { subscriptionRoutes } from './http/routes/subscription-routes.js';

export interface HttpOptions {
  /** The socket's peer address (Node); without it, rate limits key on proxy headers or nothing. */
  remoteAddress?: RemoteAddress;
}

/** Builds the whole HTTP application from its dependencies; no I/O happens here. */
export function createApp(deps: Deps, http: HttpOptions = {}) {
  const app = createRouter();
  app.use(
    secureHeaders({
      // Pages carry no scripts; /subscribe must stay embeddable in a blog's iframe.
      xFrameOptions: false,
      contentSecurityPolicy: { defaultSrc: ["'none'"], styleSrc: ["'unsafe-inline'"], imgSrc: ["'self'", 'https:', 'data:'], formAction: ["'self'"] },
    }),
  );
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.route('/', subscriptionRoutes(deps, http.remoteAddress));

  app.use('/api/admin/*', adminAuth(deps));
  app.route('/', keyRoutes(deps));

  app.notFound((c) => (c.req.path.startsWith('/api/') ? c.json(errorBody('not_found', 'No such route'), 404) : c.text('Not found', 404)));
  app.onError(handleError(deps.logger));
  return app;
}
