import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Env } from 'hono';
import { Invalid } from '../errors.js';

/**
 * Every JSON router is an OpenAPIHono built here, so that validation failures take the same
 * 400 shape as domain errors and every route lands in /openapi.json.
 */
export function createRouter<E extends Env = Env>() {
  return new OpenAPIHono<E>({
    defaultHook: (result) => {
      if (!result.success) {
        const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
        const first = issues[0];
        throw new Invalid(first ? `${first.path || 'body'}: ${first.message}` : 'Invalid request', issues);
      }
    },
  });
}

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'not_found' }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input',
  401: 'Missing or wrong API key',
  404: 'Not found',
  409: 'Conflict with the current state',
  413: 'Body too large',
  422: 'Valid input that cannot be processed',
  429: 'Too many requests (see Retry-After)',
};

/**
 * The error responses a route can give, for its OpenAPI description. Wherever a wrong API key
 * answers 401, too many of them from one address answer 429 (src/http/admin-auth.ts).
 */
export function errorResponses(...statuses: Array<keyof typeof DESCRIPTIONS>) {
  const all = statuses.includes(401) && !statuses.includes(429) ? [...statuses, 429] : statuses;
  return Object.fromEntries(
    all.map((s) => [s, { description: DESCRIPTIONS[s]!, content: { 'application/json': { schema: ErrorSchema } } }]),
  ) as Record<number, { description: string; content: { 'application/json': { schema: typeof ErrorSchema } } }>;
}

/** Marks an admin route as needing the bearer API key in the OpenAPI document. */
export const adminSecurity = [{ bearerAuth: [] as string[] }];

export const IdParam = z.object({ id: z.coerce.number().int().positive().openapi({ param: { name: 'id', in: 'path' }, example: 1 }) });
