import { createRoute, z } from '@hono/zod-openapi';
import { POST_STATUSES } from '../../db/database.js';
import type { Deps } from '../../deps.js';
import { createPost } from '../../posts/create-post.js';
import { deletePost } from '../../posts/delete-post.js';
import { getPost } from '../../posts/get-post.js';
import { listPosts } from '../../posts/list-posts.js';
import { CreatePostInput, PublishInput, UpdatePostInput } from '../../posts/post-input.js';
import { publishPost } from '../../posts/publish-post.js';
import { updatePost } from '../../posts/update-post.js';
import { bodyLimit } from '../body-limit.js';
import { adminSecurity, createRouter, errorResponses, IdParam } from '../openapi.js';
import { SendSchema } from './send-routes.js';

/** A post's JSON is bounded by its Markdown (500k characters) plus room for the other fields. */
export const POST_BODY_LIMIT = 1024 * 1024;

const time = z.string().openapi({ format: 'date-time', example: '2026-11-24T09:00:00.000Z' });

const PostListItem = z
  .object({
    id: z.number().int(),
    slug: z.string().openapi({ example: 'hello-world' }),
    title: z.string(),
    excerpt: z.string().nullable(),
    author: z.string().nullable(),
    tags: z.array(z.string()),
    email_subject: z.string().nullable(),
    status: z.enum(POST_STATUSES),
    scheduled_at: time.nullable(),
    published_at: time.nullable(),
    send_on_publish: z.boolean(),
    publish_error: z.string().nullable().openapi({ description: 'Why the worker has not published this scheduled post yet' }),
    created_at: time,
    updated_at: time,
  })
  .openapi('PostListItem');

const Post = PostListItem.extend({
  body: z.string().openapi({ description: 'The Markdown source' }),
  body_html: z.string().openapi({ description: 'Sanitised HTML rendered from body: what the web page and the email show' }),
}).openapi('Post');

const ListQuery = z.object({
  status: z.enum(POST_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional().openapi({ description: 'next_cursor from the previous page' }),
});

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const common = { tags: ['posts'], security: adminSecurity };

/** /api/admin/posts: editors write, schedule and publish posts. */
export function postRoutes(deps: Deps) {
  const app = createRouter();
  const limit = bodyLimit(POST_BODY_LIMIT);
  app.use('/api/admin/posts', limit);
  app.use('/api/admin/posts/*', limit);

  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/api/admin/posts',
      operationId: 'listPosts',
      summary: 'List posts, newest first',
      request: { query: ListQuery },
      responses: {
        200: { description: 'One page of posts, without bodies', ...json(z.object({ posts: z.array(PostListItem), next_cursor: z.string().nullable() })) },
        ...errorResponses(400, 401),
      },
    }),
    async (c) => c.json(await listPosts(deps, c.req.valid('query')), 200),
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/api/admin/posts',
      operationId: 'createPost',
      summary: 'Create a draft (or a scheduled post)',
      request: { body: { required: true, ...json(CreatePostInput.openapi('CreatePost')) } },
      responses: { 201: { description: 'The new post', ...json(Post) }, ...errorResponses(400, 401, 409, 413, 422) },
    }),
    async (c) => c.json(await createPost(deps, c.req.valid('json')), 201),
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/api/admin/posts/{id}',
      operationId: 'getPost',
      summary: 'Get a post',
      request: { params: IdParam },
      responses: { 200: { description: 'The post', ...json(Post) }, ...errorResponses(401, 404) },
    }),
    async (c) => c.json(await getPost(deps, c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'patch',
      path: '/api/admin/posts/{id}',
      operationId: 'updatePost',
      summary: 'Change some fields of a post',
      description: 'The slug of a published post cannot change (409). scheduled_at: null takes a scheduled post back to draft.',
      request: { params: IdParam, body: { required: true, ...json(UpdatePostInput.openapi('UpdatePost')) } },
      responses: { 200: { description: 'The updated post', ...json(Post) }, ...errorResponses(400, 401, 404, 409, 413, 422) },
    }),
    async (c) => c.json(await updatePost(deps, c.req.valid('param').id, c.req.valid('json')), 200),
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'delete',
      path: '/api/admin/posts/{id}',
      operationId: 'deletePost',
      summary: 'Delete a post',
      description: 'A published post leaves the web; a post that has been mailed cannot be deleted (409).',
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...errorResponses(401, 404, 409) },
    }),
    async (c) => {
      await deletePost(deps, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/api/admin/posts/{id}/publish',
      operationId: 'publishPost',
      summary: 'Publish a post (and mail it), now or at scheduled_at',
      description:
        'With send (the default) publishing also starts the mailing, atomically: if the mailing cannot start (422) the post stays as it was. ' +
        'send: false publishes on the web only. Publishing again never mails twice.',
      request: { params: IdParam, body: { required: false, ...json(PublishInput.openapi('PublishPost')) } },
      responses: {
        202: { description: 'Published or scheduled; the mailing, if any, proceeds in the background', ...json(z.object({ post: Post, send: SendSchema.nullable() })) },
        ...errorResponses(400, 401, 404, 409, 422),
      },
    }),
    async (c) => c.json(await publishPost(deps, c.req.valid('param').id, c.req.valid('json') ?? {}), 202),
  );

  return app;
}
