import { createRoute, z } from '@hono/zod-openapi';
import { SUPPRESSION_KINDS, SUPPRESSION_REASONS } from '../../db/database.js';
import type { Deps } from '../../deps.js';
import { addSuppression, listSuppressions, removeSuppression } from '../../suppressions/manage-suppressions.js';
import { adminSecurity, createRouter, errorResponses, IdParam } from '../openapi.js';

const Suppression = z
  .object({
    id: z.number().int(),
    kind: z.enum(SUPPRESSION_KINDS),
    value: z.string().nullable().openapi({ description: 'Null when only the hash is kept (the person was erased)' }),
    hash: z.string().openapi({ description: 'SHA-256 hex of the lower-cased address or domain' }),
    reason: z.enum(SUPPRESSION_REASONS),
    created_at: z.string(),
  })
  .openapi('Suppression');

/** /api/admin/suppressions: addresses and domains that are never mailed. */
export function suppressionRoutes(deps: Deps) {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/admin/suppressions',
      operationId: 'listSuppressions',
      summary: 'List suppressed addresses and domains',
      tags: ['suppressions'],
      security: adminSecurity,
      request: {
        query: z.object({
          kind: z.enum(SUPPRESSION_KINDS).optional(),
          value: z.string().max(320).optional().openapi({ description: 'An exact address or domain (also finds hash-only entries)' }),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          cursor: z.coerce.number().int().positive().optional(),
        }),
      },
      responses: {
        200: {
          description: 'Newest first; follow next_cursor until it is null',
          content: { 'application/json': { schema: z.object({ suppressions: z.array(Suppression), next_cursor: z.number().int().nullable() }) } },
        },
        ...errorResponses(400, 401),
      },
    }),
    async (c) => c.json(await listSuppressions(deps, c.req.valid('query')), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/admin/suppressions',
      operationId: 'addSuppression',
      summary: 'Suppress an address or domain',
      tags: ['suppressions'],
      security: adminSecurity,
      request: {
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.object({
                value: z.string().max(320).openapi({ description: 'reader@example.com, or example.com / @example.com for a whole domain' }),
                reason: z.enum(SUPPRESSION_REASONS).optional(),
              }),
            },
          },
        },
      },
      responses: {
        201: { description: 'Added', content: { 'application/json': { schema: Suppression } } },
        200: { description: 'Already on the list', content: { 'application/json': { schema: Suppression } } },
        ...errorResponses(400, 401),
      },
    }),
    async (c) => {
      const { suppression, created } = await addSuppression(deps, c.req.valid('json'));
      return created ? c.json(suppression, 201) : c.json(suppression, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/admin/suppressions/{id}',
      operationId: 'removeSuppression',
      summary: 'Remove a suppression',
      tags: ['suppressions'],
      security: adminSecurity,
      request: { params: IdParam },
      responses: { 200: { description: 'Removed: mail may go there again', content: { 'application/json': { schema: Suppression } } }, ...errorResponses(400, 401, 404) },
    }),
    async (c) => c.json(await removeSuppression(deps, c.req.valid('param').id), 200),
  );

  return app;
}
