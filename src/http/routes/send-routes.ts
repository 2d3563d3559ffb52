import { createRoute, z } from '@hono/zod-openapi';
import type { Deps } from '../../deps.js';
import { SEND_STATUSES } from '../../db/database.js';
import { cancelSend, pauseSend, resumeSend } from '../../sending/control-send.js';
import { getSend, listSends } from '../../sending/send-summary.js';
import { sendTestEmail } from '../../sending/test-send.js';
import { adminSecurity, createRouter, errorResponses, IdParam } from '../openapi.js';

export const SendSchema = z
  .object({
    id: z.number().int(),
    post_id: z.number().int(),
    status: z.enum(SEND_STATUSES),
    subject: z.string(),
    total: z.number().int(),
    sent: z.number().int(),
    failed: z.number().int().openapi({ description: 'Failed for good, including hard bounces' }),
    skipped: z.number().int().openapi({ description: 'Readers who left, bounced or were erased before their turn' }),
    unknown: z.number().int().openapi({ description: 'Handed to the mail server in full but its answer was lost: perhaps delivered, never resent' }),
    pending: z.number().int(),
    reason: z.string().nullable().openapi({ description: 'Why the worker paused the send (the mail server refusing everyone) or why it failed (its messages cannot be built)' }),
    created_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    rate: z.number().nullable().openapi({ description: 'Messages per second since the send started' }),
  })
  .openapi('Send');

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

/** /api/admin/sends and the test-send of a post. */
export function sendRoutes(deps: Deps) {
  const app = createRouter();
  const now = () => deps.clock.now();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/admin/sends',
      operationId: 'listSends',
      summary: 'List sends, newest first',
      tags: ['sends'],
      security: adminSecurity,
      request: {
        query: z.object({
          status: z.enum(SEND_STATUSES).optional(),
          limit: z.coerce.number().int().min(1).max(100).default(20),
          cursor: z.string().regex(/^\d+$/).optional(),
        }),
      },
      responses: { 200: json(z.object({ sends: z.array(SendSchema), next_cursor: z.string().nullable() }), 'Sends, newest first'), ...errorResponses(400, 401) },
    }),
    async (c) => c.json(await listSends(deps.db, c.req.valid('query'), now()), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/admin/sends/{id}',
      operationId: 'getSend',
      summary: 'Get the status and counts of a send',
      tags: ['sends'],
      security: adminSecurity,
      request: { params: IdParam },
      responses: { 200: json(SendSchema, 'Status and counts of one send'), ...errorResponses(401, 404) },
    }),
    async (c) => c.json(await getSend(deps.db, c.req.valid('param').id, now()), 200),
  );

  const controls = { pause: pauseSend, resume: resumeSend, cancel: cancelSend } as const;
  for (const [action, control] of Object.entries(controls)) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/api/admin/sends/{id}/${action}`,
        operationId: `${action}Send`,
        summary: `${action[0]!.toUpperCase()}${action.slice(1)} a send`,
        tags: ['sends'],
        security: adminSecurity,
        request: { params: IdParam },
        responses: { 200: json(SendSchema, `The send after ${action}`), ...errorResponses(401, 404, 409) },
      }),
      async (c) => c.json(await control(deps, c.req.valid('param').id), 200),
    );
  }

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/admin/posts/{id}/test',
      operationId: 'sendTestEmail',
      summary: 'Mail one test copy of a post',
      tags: ['posts'],
      security: adminSecurity,
      request: {
        params: IdParam,
        body: { required: true, content: { 'application/json': { schema: z.object({ to: z.string().max(254) }) } } },
      },
      responses: {
        200: json(z.object({ message_id: z.string(), to: z.string() }), 'One test copy was accepted by the mail server'),
        ...errorResponses(400, 401, 404, 422),
      },
    }),
    async (c) => c.json(await sendTestEmail(deps, c.req.valid('param').id, c.req.valid('json').to), 200),
  );
  return app;
}
