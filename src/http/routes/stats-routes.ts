import { createRoute, z } from '@hono/zod-openapi';
import { SUBSCRIBER_STATUSES } from '../../db/database.js';
import type { Deps } from '../../deps.js';
import { subscriberStats } from '../../subscribers/subscriber-stats.js';
import { adminSecurity, createRouter, errorResponses } from '../openapi.js';

const Stats = z
  .object({
    total: z.number().int(),
    by_status: z.object(Object.fromEntries(SUBSCRIBER_STATUSES.map((s) => [s, z.number().int()])) as Record<(typeof SUBSCRIBER_STATUSES)[number], z.ZodNumber>),
    days: z.array(z.object({ date: z.string(), subscribes: z.number().int(), unsubscribes: z.number().int() })).openapi({
      description: 'The last 90 UTC days, oldest first; subscribes by created_at, unsubscribes by unsubscribed_at',
    }),
  })
  .openapi('SubscriberStats');

/** GET /api/admin/stats: the list at a glance. */
export function statsRoutes(deps: Deps) {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/admin/stats',
      operationId: 'getStats',
      summary: 'Subscriber counts by status and per day',
      tags: ['subscribers'],
      security: adminSecurity,
      responses: { 200: { description: 'Counts by status and per day', content: { 'application/json': { schema: Stats } } }, ...errorResponses(401) },
    }),
    async (c) => c.json(await subscriberStats(deps), 200),
  );
  return app;
}
