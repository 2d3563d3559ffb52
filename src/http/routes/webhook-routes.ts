import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { Deps } from '../../deps.js';
import { BOUNCE_PROVIDERS, createBounceWebhooks } from '../../webhooks/bounce-webhooks.js';
import { errorBody } from '../errors.js';
import { createRouter, errorResponses } from '../openapi.js';

const WEBHOOK_BODY_LIMIT = 256 * 1024;

/**
 * POST /api/webhooks/bounces/{provider}: bounce and complaint notifications from the mail
 * provider. No API key: each provider's signature is the authentication.
 */
export function webhookRoutes(deps: Deps) {
  const app = createRouter();
  const webhooks = createBounceWebhooks(deps);
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/webhooks/bounces/{provider}',
      operationId: 'receiveBounces',
      summary: 'Receive bounce and complaint notifications',
      // Authenticated by the provider's signature on the body, not by an API key.
      security: [],
      tags: ['webhooks'],
      description:
        '`ses`: Amazon SES notifications delivered by SNS, raw message delivery off (signature versions 1 and 2 verified; topics listed in SES_SNS_TOPIC_ARNS). ' +
        '`generic`: JSON {"id","type":"bounce"|"complaint","email","bounce_type":"hard"|"soft","reason"?,"occurred_at"?} signed with ' +
        '`X-Broadsheet-Signature: t=UNIX,v1=HEX`, HEX = HMAC-SHA256(BOUNCE_WEBHOOK_SECRET, "t.body"), within 5 minutes.',
      middleware: [
        bodyLimit({ maxSize: WEBHOOK_BODY_LIMIT, onError: (c) => c.json(errorBody('payload_too_large', `The body must be at most ${WEBHOOK_BODY_LIMIT} bytes`), 413) }),
      ] as const,
      request: {
        params: z.object({ provider: z.string().openapi({ param: { name: 'provider', in: 'path' }, example: BOUNCE_PROVIDERS[0] }) }),
        body: { required: true, content: { 'text/plain': { schema: z.string().openapi({ description: 'The notification, exactly as signed' }) } } },
      },
      responses: {
        200: {
          description: 'Applied, or recognised as a replay (status duplicate), or nothing to do',
          content: {
            'application/json': {
              schema: z.object({ status: z.enum(['processed', 'duplicate', 'subscribed', 'ignored']), matched: z.number().int().optional(), suppressed: z.number().int().optional() }),
            },
          },
        },
        ...errorResponses(400, 401, 404, 413),
      },
    }),
    async (c) => c.json(await webhooks.receive(c.req.valid('param').provider, await c.req.text(), (name) => c.req.header(name)), 200),
  );
  return app;
}
