import type { Deps } from '../../src/deps.js';
import { adminApi } from './posts-fixtures.js';

interface Requester {
  request(path: string, init?: RequestInit): Response | Promise<Response>;
}

/** Inserts `count` active subscribers reader0@example.com ... in one statement; returns their ids. */
export async function seedActiveReaders(deps: Pick<Deps, 'db'>, count: number, domain = 'example.com'): Promise<number[]> {
  const now = new Date().toISOString();
  const rows = Array.from({ length: count }, (_, i) => ({
    email: `reader${i}@${domain}`,
    email_normalized: `reader${i}@${domain}`,
    name: `Reader ${i}`,
    status: 'active' as const,
    source: 'test',
    created_at: now,
    updated_at: now,
    confirmed_at: now,
  }));
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += 500) {
    const inserted = await deps.db.insertInto('subscribers').values(rows.slice(i, i + 500)).returning('id').execute();
    ids.push(...inserted.map((r) => r.id));
  }
  return ids;
}

/** Creates a post through the admin API and publishes it with mailing; returns the answer. */
export async function publishWithSend(app: Requester, post: { title: string; body: string; [k: string]: unknown }) {
  const created = await adminApi(app, 'POST', '/api/admin/posts', post);
  if (created.status !== 201) throw new Error(`create post failed: ${created.status} ${JSON.stringify(created.body)}`);
  const published = await adminApi(app, 'POST', `/api/admin/posts/${created.body.id}/publish`, {});
  return { post: created.body, status: published.status, body: published.body };
}
