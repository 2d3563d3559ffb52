import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import worker from '../../src/worker.js';
import type { WorkerBindings } from '../../src/workers/bindings.js';
import { resetD1, testEnv } from './d1-reset.js';
import { sink } from './sink.js';

beforeEach(async () => {
  await resetD1();
  await sink.clear();
});

/** The project's bindings with some removed or replaced: a deployment missing a secret. */
function envWith(changes: Record<string, string | undefined>): WorkerBindings {
  const env: Record<string, unknown> = { ...testEnv };
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env as WorkerBindings;
}

const requests = () => [
  new Request('https://news.example.com/health'),
  new Request('https://news.example.com/posts'),
  new Request('https://news.example.com/api/admin/subscribers', { headers: { authorization: `Bearer ${testEnv.ADMIN_API_KEY as string}` } }),
  new Request('https://news.example.com/api/subscribe', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'cf-connecting-ip': '203.0.113.30' },
    body: JSON.stringify({ email: 'misconfigured@example.org' }),
  }),
];

const tables = ['subscribers', 'mail_queue', 'posts', 'sends', 'deliveries', 'workers'];
async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) counts[table] = (await testEnv.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())!.n;
  return counts;
}

describe('a Worker whose configuration is wrong', () => {
  it.each([
    ['without SECRET', { SECRET: undefined }, /^Invalid configuration: SECRET: required on Workers/],
    ['with a SECRET too short', { SECRET: 'short' }, /^Invalid configuration: .*SECRET/],
    ['with a bad SMTP_URL', { SMTP_URL: 'not a url' }, /^Invalid configuration: .*SMTP_URL/],
    ['without SMTP_URL or SES_URL', { SMTP_URL: undefined }, /^Invalid configuration: SMTP_URL: required on Workers/],
  ])('%s answers every request 500 with the one-line message and touches nothing', async (_what, changes, message) => {
    const env = envWith(changes);
    const before = await rowCounts();
    const bodies = new Set<string>();
    for (const request of requests()) {
      const ctx = createExecutionContext();
      const res = await worker.fetch(request, env, ctx as never);
      await waitOnExecutionContext(ctx);
      expect(res.status, request.url).toBe(500);
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      const body = await res.text();
      expect(body).toMatch(message);
      // One line: the message and its newline, no stack.
      expect(body.trimEnd().split('\n'), body).toHaveLength(1);
      expect(body).not.toMatch(/at .+:\d+:\d+/);
      bodies.add(body);
    }
    expect(bodies.size).toBe(1);
    expect(await rowCounts()).toEqual(before);
    expect(await sink.messages()).toEqual([]);
  });

  it('the same requests succeed with the full configuration (the copy of the env is not what fails)', async () => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(requests()[0]!, envWith({}), ctx as never);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(200);
  });
});
