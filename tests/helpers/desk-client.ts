import { Hono } from 'hono';
import { deskAreaRoutes } from '../../src/http/desk/desk-app.js';
import type { DeskEnv } from '../../src/http/desk/desk-env.js';
import type { TestContext } from './test-app.js';

export interface DeskClient {
  /** The CSRF token to put in every form posted (field `csrf`). */
  csrf: string;
  /** A request to the desk as the signed-in owner. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Posts a form (application/x-www-form-urlencoded) with the CSRF token added. */
  submit(path: string, fields: Record<string, string>): Promise<Response>;
}

/**
 * The desk as a signed-in owner sees it. Until sign-in lands (issue 11's first slice), the areas
 * are mounted here behind a middleware that plays the session's part; then this client signs in
 * for real through the app, keeping this interface, so the area tests do not change.
 */
export async function deskClient(t: TestContext): Promise<DeskClient> {
  const csrf = 'test-csrf-token';
  const app = new Hono<DeskEnv>();
  app.use('/admin/*', async (c, next) => {
    c.set('editor', { id: 1, email: 'owner@example.com', role: 'owner' });
    c.set('csrf', csrf);
    await next();
  });
  app.route('/', deskAreaRoutes(t.deps));
  app.route('/', t.app);
  const request = async (path: string, init?: RequestInit) => app.request(path, init);
  return {
    csrf,
    request,
    submit: (path, fields) =>
      request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf, ...fields }).toString() }),
  };
}
