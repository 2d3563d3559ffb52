import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './helpers/test-app.js';

let t: TestContext;
let doc: any;
beforeAll(async () => {
  t = await createTestContext();
  const res = await t.app.request('/openapi.json');
  expect(res.status).toBe(200);
  doc = await res.json();
});
afterAll(async () => t.close());

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const operations = () =>
  Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] })),
  );

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3 document', async () => {
    expect(doc.openapi).toMatch(/^3\./);
    // The validator dereferences in place, so it gets a copy.
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeDefined();
  });

  it('describes every public and admin JSON route', () => {
    const described = operations().map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(described).toEqual(
      expect.arrayContaining([
        'GET /health',
        'POST /api/subscribe',
        'GET /api/admin/posts',
        'POST /api/admin/posts',
        'GET /api/admin/posts/{id}',
        'PATCH /api/admin/posts/{id}',
        'DELETE /api/admin/posts/{id}',
        'POST /api/admin/posts/{id}/publish',
        'GET /api/admin/settings',
        'PATCH /api/admin/settings',
        'GET /api/admin/keys',
        'POST /api/admin/keys',
        'DELETE /api/admin/keys/{id}',
      ]),
    );
  });

  it('marks exactly the admin routes as needing the bearer key', () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const { path, method, op } of operations()) {
      const admin = path.startsWith('/api/admin/');
      expect(op.security, `${method} ${path}`).toEqual(admin ? [{ bearerAuth: [] }] : undefined);
      if (admin) expect(op.responses['401'], `${method} ${path}`).toBeDefined();
    }
  });

  it('is generated from the schemas that validate the requests', () => {
    const create = doc.components.schemas.CreatePost;
    expect(create.required).toEqual(['title', 'body']);
    expect(create.additionalProperties).toBe(false);
    expect(create.properties.title).toMatchObject({ type: 'string', minLength: 1, maxLength: 300 });
    const list = doc.paths['/api/admin/posts'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(['status', 'limit', 'cursor']);
    const publish = doc.paths['/api/admin/posts/{id}/publish'].post;
    expect(Object.keys(publish.responses)).toEqual(expect.arrayContaining(['202', '404', '409', '422']));
    expect(doc.components.schemas.SettingsPatch.properties).toHaveProperty('postal_address');
  });
});
