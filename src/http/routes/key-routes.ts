import { createRoute, z } from '@hono/zod-openapi';
import type { Deps } from '../../deps.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../../keys/api-keys.js';
import { KeyName } from '../../keys/key-name.js';
import { adminSecurity, createRouter, errorResponses, IdParam } from '../openapi.js';

const ApiKey = z
  .object({
    id: z.number().int(),
    name: z.string(),
    prefix: z.string(),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
  })
  .openapi('ApiKey');

const CreatedKey = ApiKey.extend({ key: z.string().openapi({ description: 'The key itself: shown only in this response.' }) }).openapi('CreatedApiKey');

/** /api/admin/keys: create, list, revoke admin API keys. */
export function keyRoutes(deps: Deps) {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/admin/keys',
      operationId: 'listKeys',
      summary: 'List API keys',
      tags: ['keys'],
      security: adminSecurity,
      responses: { 200: { description: 'All keys (never the keys themselves)', content: { 'application/json': { schema: z.object({ keys: z.array(ApiKey) }) } } }, ...errorResponses(401) },
    }),
    async (c) => c.json({ keys: await listApiKeys(deps) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/admin/keys',
      operationId: 'createKey',
      summary: 'Create an API key',
      tags: ['keys'],
      security: adminSecurity,
      request: { body: { required: true, content: { 'application/json': { schema: z.object({ name: KeyName }) } } } },
      responses: { 201: { description: 'The new key, shown once', content: { 'application/json': { schema: CreatedKey } } }, ...errorResponses(400, 401) },
    }),
    async (c) => c.json(await createApiKey(deps, c.req.valid('json').name), 201),
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/admin/keys/{id}',
      operationId: 'revokeKey',
      summary: 'Revoke an API key',
      tags: ['keys'],
      security: adminSecurity,
      request: { params: IdParam },
      responses: { 200: { description: 'The revoked key', content: { 'application/json': { schema: ApiKey } } }, ...errorResponses(401, 404) },
    }),
    async (c) => c.json(await revokeApiKey(deps, c.req.valid('param').id), 200),
  );
  return app;
}
