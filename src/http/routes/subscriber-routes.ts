import { createRoute, z } from '@hono/zod-openapi';
import { SUBSCRIBER_STATUSES } from '../../db/database.js';
import type { Deps } from '../../deps.js';
import { Invalid } from '../../errors.js';
import { createSubscriber } from '../../subscribers/create-subscriber.js';
import { eraseSubscriber } from '../../subscribers/erase-subscriber.js';
import { getSubscriber } from '../../subscribers/get-subscriber.js';
import { uploadTooLarge } from '../../subscribers/import/import-scratch.js';
import { importSubscribers } from '../../subscribers/import/import-subscribers.js';
import { listSubscribers, MAX_PAGE } from '../../subscribers/list-subscribers.js';
import type { SubscriberFilter } from '../../subscribers/subscriber-page.js';
import { parseTimestamp } from '../../subscribers/timestamp.js';
import { updateSubscriber } from '../../subscribers/update-subscriber.js';
import { adminSecurity, createRouter, errorResponses, IdParam } from '../openapi.js';
import { subscriberExportResponse } from '../subscriber-export.js';

/**
 * Large enough for a list of a few million readers; the body is streamed to disk, never held, on
 * Node. An import scratch that holds it (in memory, on Workers) may set a lower limit.
 */
export const IMPORT_MAX_BYTES = 100 * 1024 * 1024;

const Subscriber = z
  .object({
    id: z.number().int(),
    email: z.string(),
    name: z.string().nullable(),
    status: z.enum(SUBSCRIBER_STATUSES),
    tags: z.array(z.string()),
    attributes: z.record(z.string(), z.unknown()),
    source: z.string().openapi({ description: 'form, api, embed, admin, import, ...' }),
    consent: z.object({
      basis: z.enum(['double_opt_in', 'editor']).openapi({ description: 'editor: added active by the editor, who vouches for consent' }),
      at: z.string().nullable(),
      ip: z.string().nullable(),
      user_agent: z.string().nullable(),
      confirm_ip: z.string().nullable(),
    }),
    created_at: z.string(),
    updated_at: z.string(),
    confirmed_at: z.string().nullable(),
    unsubscribed_at: z.string().nullable(),
  })
  .openapi('Subscriber');

const SubscriberDetail = Subscriber.extend({
  bounces: z.object({ hard: z.number().int(), soft: z.number().int(), complaint: z.number().int(), last_at: z.string().nullable() }),
}).openapi('SubscriberDetail');

const Filter = z.object({
  status: z.enum(SUBSCRIBER_STATUSES).optional(),
  tag: z.string().max(50).optional(),
  q: z.string().max(200).optional().openapi({ description: 'Part of the address or name, case-insensitive' }),
  created_after: z.string().max(40).optional().openapi({ description: 'ISO date or date-time (exclusive)' }),
  created_before: z.string().max(40).optional().openapi({ description: 'ISO date or date-time (exclusive)' }),
});

const Tags = z.array(z.string().max(50)).max(50);
const Name = z.string().max(100).nullable();
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const CreateSubscriber = z
  .strictObject({
    email: z.string().max(320),
    name: Name.optional(),
    tags: Tags.optional(),
    attributes: z.record(z.string(), z.unknown()).optional(),
    status: z.enum(['pending', 'active']).optional().openapi({
      description: 'pending (default): the reader gets the double opt-in mail. active: the editor vouches for consent.',
    }),
  })
  .openapi('CreateSubscriber');

const SubscriberPatch = z
  .strictObject({
    name: Name.optional(),
    tags: Tags.optional().openapi({ description: 'Replaces the tags' }),
    attributes: z.record(z.string(), z.unknown()).optional().openapi({ description: 'Merged in; a key set to null is removed' }),
    status: z.enum(['active', 'unsubscribed']).optional(),
    clear_suppression: z.boolean().optional().openapi({
      description: 'Required to reactivate a bounced, complained or suppressed address; removes it from the suppression list',
    }),
  })
  .refine((body) => Object.keys(body).length > 0, 'nothing to change')
  .openapi('SubscriberPatch');

const ImportResult = z
  .object({
    created: z.number().int(),
    updated: z.number().int(),
    skipped: z.number().int().openapi({ description: 'Valid rows that changed nothing (already so, suppressed, or not allowed to reactivate)' }),
    invalid: z.number().int(),
    errors: z.array(z.object({ line: z.number().int(), email: z.string(), reason: z.string() })),
    errors_truncated: z.boolean(),
    confirmations_queued: z.number().int(),
    ignored_columns: z.array(z.string()),
  })
  .openapi('ImportResult');

function filterOf(query: z.infer<typeof Filter>): SubscriberFilter {
  return {
    status: query.status,
    tag: query.tag,
    q: query.q,
    createdAfter: query.created_after === undefined ? undefined : parseTimestamp(query.created_after, 'created_after'),
    createdBefore: query.created_before === undefined ? undefined : parseTimestamp(query.created_before, 'created_before'),
  };
}

/** /api/admin/subscribers: list, search, create, edit, erase, import and export. */
export function subscriberRoutes(deps: Deps) {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/admin/subscribers',
      operationId: 'listSubscribers',
      summary: 'List or search subscribers',
      tags: ['subscribers'],
      security: adminSecurity,
      request: {
        query: Filter.extend({
          limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
          cursor: z.string().max(200).optional().openapi({ description: 'next_cursor of the previous page' }),
        }),
      },
      responses: {
        200: {
          description: 'Newest first; follow next_cursor until it is null',
          content: { 'application/json': { schema: z.object({ subscribers: z.array(Subscriber), next_cursor: z.string().nullable() }) } },
        },
        ...errorResponses(400, 401),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      return c.json(await listSubscribers(deps, { ...filterOf(query), limit: query.limit, cursor: query.cursor }), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/admin/subscribers/export',
      operationId: 'exportSubscribers',
      summary: 'Export subscribers as CSV',
      tags: ['subscribers'],
      security: adminSecurity,
      request: { query: Filter.extend({ bom: flag.optional().openapi({ description: 'Start with a UTF-8 BOM (for Excel)' }) }) },
      responses: {
        200: {
          description: 'RFC 4180 CSV (CRLF), streamed; cells a spreadsheet would run as a formula start with an apostrophe',
          content: { 'text/csv': { schema: z.string() } },
        },
        ...errorResponses(400, 401),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      return subscriberExportResponse(c, deps, filterOf(query), { bom: query.bom === true });
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/admin/subscribers/import',
      operationId: 'importSubscribers',
      summary: 'Import subscribers from CSV',
      tags: ['subscribers'],
      security: adminSecurity,
      description:
        'A CSV file as the raw body: a header row naming email (required), name, tags, status, created_at in any order; ' +
        'UTF-8 with or without BOM. Rows become active unless double_opt_in is set. A malformed file imports nothing.',
      request: {
        query: z.object({ double_opt_in: flag.optional().openapi({ description: 'Mail each new reader a confirmation instead of adding them active' }) }),
        body: { required: true, content: { 'text/csv': { schema: z.string().openapi({ format: 'binary' }) } } },
      },
      responses: {
        200: { description: 'What the import did', content: { 'application/json': { schema: ImportResult } } },
        ...errorResponses(400, 401, 413),
      },
    }),
    async (c) => {
      const type = c.req.header('content-type') ?? '';
      if (/^(application\/json|multipart\/|application\/x-www-form-urlencoded)/i.test(type)) {
        throw new Invalid('Send the CSV file itself as the request body, with Content-Type: text/csv');
      }
      const maxBytes = Math.min(IMPORT_MAX_BYTES, deps.importScratch.maxBytes);
      if (Number(c.req.header('content-length') ?? 0) > maxBytes) throw uploadTooLarge(maxBytes);
      const body = c.req.raw.body;
      if (!body) throw new Invalid('The body is empty: send the CSV file');
      const result = await importSubscribers(deps, { stream: body }, { doubleOptIn: c.req.valid('query').double_opt_in, maxBytes });
      return c.json(result, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/admin/subscribers',
      operationId: 'createSubscriber',
      summary: 'Add a subscriber',
      tags: ['subscribers'],
      security: adminSecurity,
      request: {
        body: { required: true, content: { 'application/json': { schema: CreateSubscriber } } },
      },
      responses: {
        201: { description: 'The new subscriber', content: { 'application/json': { schema: SubscriberDetail } } },
        ...errorResponses(400, 401, 409, 422),
      },
    }),
    async (c) => c.json(await createSubscriber(deps, c.req.valid('json')), 201),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/admin/subscribers/{id}',
      operationId: 'getSubscriber',
      summary: 'Get a subscriber',
      tags: ['subscribers'],
      security: adminSecurity,
      request: { params: IdParam },
      responses: { 200: { description: 'One subscriber', content: { 'application/json': { schema: SubscriberDetail } } }, ...errorResponses(400, 401, 404) },
    }),
    async (c) => c.json(await getSubscriber(deps, c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/admin/subscribers/{id}',
      operationId: 'updateSubscriber',
      summary: 'Change a subscriber',
      tags: ['subscribers'],
      security: adminSecurity,
      request: {
        params: IdParam,
        body: { required: true, content: { 'application/json': { schema: SubscriberPatch } } },
      },
      responses: {
        200: { description: 'The updated subscriber', content: { 'application/json': { schema: SubscriberDetail } } },
        ...errorResponses(400, 401, 404, 409),
      },
    }),
    async (c) => c.json(await updateSubscriber(deps, c.req.valid('param').id, c.req.valid('json')), 200),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/admin/subscribers/{id}',
      operationId: 'eraseSubscriber',
      summary: 'Erase a subscriber',
      tags: ['subscribers'],
      security: adminSecurity,
      description: 'Erases the person: their data goes from every table. An unsubscribed, bounced or complained address stays suppressed as a hash only.',
      request: { params: IdParam },
      responses: {
        200: {
          description: 'Erased',
          content: { 'application/json': { schema: z.object({ id: z.number().int(), erased: z.literal(true), suppression_kept: z.boolean() }) } },
        },
        ...errorResponses(400, 401, 404),
      },
    }),
    async (c) => c.json(await eraseSubscriber(deps, c.req.valid('param').id), 200),
  );

  return app;
}
