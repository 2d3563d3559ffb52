import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { cachedResponse } from '../conditional-get.js';
import { DOCS_ASSETS, type DocsAssetName, type DocsAssets } from '../docs-assets.js';
import { errorResponses } from '../openapi.js';
import { DOCS_PAGE, DOCS_POLICY, DOCS_SCRIPT, DOCS_STYLE } from '../pages/docs-page.js';
import { SUBSCRIBE_ACCEPTED } from './subscription-routes.js';

type DocumentedApp = Pick<OpenAPIHono, 'openAPIRegistry' | 'getOpenAPI31Document'>;

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
    operationId: 'health',
    summary: 'Liveness check',
    security: [],
    responses: { 200: { description: 'The server is up', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } } } },
  });
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/api/subscribe',
    tags: ['public'],
    operationId: 'subscribe',
    summary: 'Subscribe (double opt-in)',
    security: [],
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

const TAGS = [
  { name: 'public', description: 'What readers and their browsers call: no API key' },
  { name: 'posts', description: 'Drafts, scheduled and published posts' },
  { name: 'sends', description: 'The mailing of a post to its readers: status, counts, pause, resume, cancel' },
  { name: 'subscribers', description: 'Readers: list, search, add, change, erase, import, export, stats' },
  { name: 'suppressions', description: 'Addresses and domains no mail goes to' },
  { name: 'settings', description: 'What the publication says about itself' },
  { name: 'keys', description: 'Admin API keys' },
  { name: 'webhooks', description: 'Bounce and complaint notifications from mail providers, signed instead of keyed' },
];

/** GET /openapi.json (the document of every JSON route in `app`) and GET /docs (Swagger UI). */
export function docsRoutes(app: DocumentedApp, assets: DocsAssets) {
  describePlainRoutes(app);
  const docs = new Hono();
  // Built at the first request, when every router has been mounted; routes do not change after.
  let document: ReturnType<DocumentedApp['getOpenAPI31Document']> | undefined;
  docs.get('/openapi.json', (c) =>
    c.json(
      // 3.1, not 3.0: a field that takes any JSON value (error details, subscriber attributes)
      // is `{}` there, where 3.0 needs a `nullable` without a type, which linters reject.
      (document ??= app.getOpenAPI31Document({
        openapi: '3.1.0',
        info: {
          title: 'Broadsheet API',
          version: '1',
          description: 'Subscriptions, posts and mailings of a Broadsheet publication. Admin routes take `Authorization: Bearer <api key>`.',
          license: { name: 'MIT', url: 'https://opensource.org/license/mit' },
        },
        // Relative: the document describes the server that serves it, whatever its address.
        servers: [{ url: '/', description: 'This Broadsheet server' }],
        tags: TAGS,
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
