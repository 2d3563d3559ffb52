import { SELF } from 'cloudflare:test';
import { testEnv } from './d1-reset.js';
import type { SendSummary } from '../../src/sending/send-summary.js';

export const BASE = 'https://news.example.com';
export const ADMIN = { authorization: `Bearer ${testEnv.ADMIN_API_KEY as string}`, 'content-type': 'application/json' };

/** Active readers put straight into D1: 16 rows (96 values) a statement, as D1 binds at most 100. */
export async function seedReaders(count: number, prefix: string): Promise<void> {
  const now = new Date().toISOString();
  const statements = [];
  for (let i = 0; i < count; i += 16) {
    const rows = Array.from({ length: Math.min(16, count - i) }, (_, k) => `${prefix}${i + k}@example.org`);
    statements.push(
      testEnv.DB.prepare(
        `INSERT INTO subscribers (email, email_normalized, status, source, consent_at, consent_basis, created_at, updated_at, confirmed_at) VALUES ${rows.map(() => "(?, ?, 'active', 'test', ?, 'editor', ?, ?, ?)").join(', ')}`,
      ).bind(...rows.flatMap((email) => [email, email, now, now, now, now])),
    );
  }
  for (let i = 0; i < statements.length; i += 50) await testEnv.DB.batch(statements.slice(i, i + 50));
}

export async function createPost(title: string): Promise<number> {
  const res = await SELF.fetch(`${BASE}/api/admin/posts`, { method: 'POST', headers: ADMIN, body: JSON.stringify({ title, body: `# ${title}\n\nA [link](https://example.com).` }) });
  if (res.status !== 201) throw new Error(`create post: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: number }).id;
}

/** The admin API's view of a send. */
export type SendView = SendSummary;

export async function getSend(id: number): Promise<SendView> {
  return (await (await SELF.fetch(`${BASE}/api/admin/sends/${id}`, { headers: ADMIN })).json()) as SendView;
}

/** Polls the API until the send has finished (done, cancelled or failed). */
export async function waitForSend(id: number, timeoutMs = 120_000): Promise<SendView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const send = await getSend(id);
    if (['done', 'cancelled', 'failed'].includes(send.status)) return send;
    if (Date.now() > deadline) throw new Error(`send ${id} still ${send.status} after ${timeoutMs} ms: ${JSON.stringify(send)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
