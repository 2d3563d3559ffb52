import { json } from './test-app.js';

/** The bootstrap key the post tests run with (ADMIN_API_KEY). */
export const ADMIN_KEY = 'posts-test-admin-key-0123456789';
export const ADMIN = { authorization: `Bearer ${ADMIN_KEY}` };
export const ADMIN_ENV = { ADMIN_API_KEY: ADMIN_KEY };

interface Requester {
  request(path: string, init?: RequestInit): Response | Promise<Response>;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  // Tests read whatever shape the route answers; assertions check it.
  body: any;
}

/** One admin API call with the test key; the body, if any, goes as JSON. */
export async function adminApi(app: Requester, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  const init = body === undefined ? { method, headers: ADMIN } : { ...json(body, ADMIN), method };
  const res = await app.request(path, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

/** A valid create-post payload; tests override what they are about. */
export const postInput = (overrides: Record<string, unknown> = {}) => ({ title: 'A day at the quay', body: 'The boats came in *early*.', ...overrides });

/** Creates a post and publishes it on the web only; returns the published post. */
export async function publishedPost(app: Requester, overrides: Record<string, unknown> = {}) {
  const created = await adminApi(app, 'POST', '/api/admin/posts', postInput(overrides));
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${JSON.stringify(created.body)}`);
  const published = await adminApi(app, 'POST', `/api/admin/posts/${created.body.id}/publish`, { send: false });
  if (published.status !== 202) throw new Error(`publish failed: ${published.status} ${JSON.stringify(published.body)}`);
  return published.body.post;
}
