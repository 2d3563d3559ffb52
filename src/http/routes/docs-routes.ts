import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { cachedResponse } from '../conditional-get.js';
import { DOCS_ASSETS, type DocsAssetName, type DocsAssets } from '../docs-assets.js';
import { errorResponses } from '../openapi.js';
import { DOCS_PAGE, DOCS_POLICY, DOCS_SCRIPT, DOCS_STYLE } from '../pages/docs-page.js';
import { SUBSCRIBE_ACCEPTED } from './subscription-routes.js';

type DocumentedApp = Pick<OpenAPIHono, 'openAPIRegistry' | 'getOpenAPIDocument'>;

const SubscribeBody = z.object({
  email: z.string().openapi({ format: 'email', example: 'reader@example.com' }),
  name: z.string().max(100).optional(),
  source: z.string().max(40).optional().openapi({ description: 'Which form or channel the reader came through' }),
});

// /health and /api/subscribe are plain Hono routes (the latter takes JSON and browser forms
// alike), so they are described here by hand; every createRoute route describes itself.
function describePlainRoutes(app: DocumentedApp) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An admin API key (`broadsheet keys create NAME`, or ADMIN_API_KEY)',
  });
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/health',
    tags: ['public'],
    summary: 'Liveness check',
    responses: { 200: { description: 'The server is up', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } } } },
  });
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/api/subscribe',
    tags: ['public'],
    summary: 'Subscribe (double opt-in)',
    description:
      'Sends a confirmation email. Every well-formed address gets the same answer, whether new, pending or already subscribed. ' +
      'A browser form post (with the honeypot field `website` left empty) gets an HTML "check your inbox" page instead.',
    request: {
      body: {
        required: true,
        content: {
          'application/json': { schema: SubscribeBody },
          'application/x-www-form-urlencoded': { schema: SubscribeBody.extend({ website: z.string().optional().openapi({ description: 'Honeypot: leave empty' }) }) },
        },
      },
    },
    responses: {
      202: {
        description: 'Confirmation email queued (or, to avoid revealing the list, nothing to do)',
        content: { 'application/json': { schema: z.object({ status: z.literal(SUBSCRIBE_ACCEPTED.status), message: z.string() }) } },
      },
      ...errorResponses(400, 413, 429),
    },
  });
}

/** GET /openapi.json (the document of every JSON route in `app`) and GET /docs (Swagger UI). */
export function docsRoutes(app: DocumentedApp, assets: DocsAssets) {
  describePlainRoutes(app);
  const docs = new Hono();
  // Built at the first request, when every router has been mounted; routes do not change after.
  let document: ReturnType<DocumentedApp['getOpenAPIDocument']> | undefined;
  docs.get('/openapi.json', (c) =>
    c.json(
      (document ??= app.getOpenAPIDocument({
        openapi: '3.0.3',
        info: {
          title: 'Broadsheet API',
          version: '1',
          description: 'Subscriptions, posts and mailings of a Broadsheet publication. Admin routes take `Authorization: Bearer <api key>`.',
        },
        tags: [{ name: 'public' }, { name: 'posts' }, { name: 'settings' }, { name: 'keys' }],
      })),
    ),
  );
  docs.get('/docs', (c) => c.html(DOCS_PAGE, 200, { 'Content-Security-Policy': DOCS_POLICY }));
  docs.get('/docs/assets/docs.js', (c) => cachedResponse(c, DOCS_SCRIPT, { contentType: 'text/javascript; charset=utf-8' }));
  docs.get('/docs/assets/docs.css', (c) => cachedResponse(c, DOCS_STYLE, { contentType: 'text/css; charset=utf-8' }));
  docs.get('/docs/assets/:name', async (c) => {
    const name = c.req.param('name');
    if (!Object.hasOwn(DOCS_ASSETS, name)) return c.notFound();
    return cachedResponse(c, await assets.read(name as DocsAssetName), { contentType: DOCS_ASSETS[name as DocsAssetName] });
  });
  return docs;
}
