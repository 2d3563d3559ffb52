import SwaggerParser from '@apidevtools/swagger-parser';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/server-process.js';
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

  it('marks exactly the admin routes as needing the bearer key, with the 401 and 429 a wrong key gets', () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const { path, method, op } of operations()) {
      const admin = path.startsWith('/api/admin/');
      // Public routes say so (`security: []`) rather than leave a reader of the document guessing.
      expect(op.security, `${method} ${path}`).toEqual(admin ? [{ bearerAuth: [] }] : []);
      if (admin) expect(Object.keys(op.responses), `${method} ${path}`).toEqual(expect.arrayContaining(['401', '429']));
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

interface RedoclyProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: Array<{ pointer: string }>;
}

/** Redocly's CLI with its recommended rules (no config file) on a copy of the served document. */
async function redoclyLint(document: unknown): Promise<RedoclyProblem[]> {
  const dir = mkdtempSync(join(tmpdir(), 'broadsheet-openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    // Exit code 1 means errors were found; the report on stdout says which.
    const { stdout } = await promisify(execFile)(join(ROOT, 'node_modules/.bin/redocly'), ['lint', '--format=json', file], { cwd: dir, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } }).catch(
      (error: { stdout?: string; stderr?: string }) => {
        if (!error.stdout) throw new Error(`redocly lint did not run: ${error.stderr ?? String(error)}`);
        return { stdout: error.stdout };
      },
    );
    return (JSON.parse(stdout) as { problems: RedoclyProblem[] }).problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('Redocly lint, recommended rules', () => {
  it('finds no error in /openapi.json', async () => {
    const problems = await redoclyLint(doc);
    const show = (p: RedoclyProblem) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`;
    const warnings = problems.filter((p) => p.severity === 'warn');
    console.log(`redocly lint: ${problems.length - warnings.length} errors, ${warnings.length} warnings`, warnings.map(show));
    expect(problems.filter((p) => p.severity === 'error').map(show)).toEqual([]);
  }, 60_000);

  it('gives every operation a unique operationId and a summary, under declared, described tags', () => {
    const ids = operations().map(({ op }) => op.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id)), ids.join()).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, method, op } of operations()) expect(op.summary, `${method} ${path}`).toEqual(expect.any(String));
    const declared = new Map((doc.tags as Array<{ name: string; description?: string }>).map((t) => [t.name, t.description]));
    for (const { path, method, op } of operations()) {
      for (const tag of op.tags) expect(declared.get(tag), `${method} ${path}: tag ${tag}`).toEqual(expect.any(String));
    }
  });
});
