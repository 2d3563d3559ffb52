import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import worker from '../../src/worker.js';
import type { WorkerBindings, WorkMessage } from '../../src/workers/bindings.js';
import { resetD1, testEnv } from './d1-reset.js';
import { ADMIN, BASE, seedReaders, type SendView } from './fixtures.js';
import { sink, countBy } from './sink.js';

/**
 * The project's bindings with two changes, so that the test decides when mail goes out: the
 * queue producer only counts messages (no consumer runs on its own), and the rate is low enough
 * that one pass (2 s at most) sends some of a 2,000-reader send but not all of it.
 */
const wakeUps: WorkMessage[] = [];
const env = {
  ...testEnv,
  DELIVERY_QUEUE: { send: async (message: WorkMessage) => void wakeUps.push(message) },
  SEND_RATE_PER_SECOND: '200',
} as unknown as WorkerBindings;

beforeEach(async () => {
  await resetD1();
  await sink.clear();
  wakeUps.length = 0;
});

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: SendView & Record<string, unknown> }> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${BASE}${path}`, { method, headers: ADMIN, body: body === undefined ? undefined : JSON.stringify(body) }), env, ctx as never);
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: (await res.json()) as SendView & Record<string, unknown> };
}

/** One consumer invocation, as the runtime makes it for a batch: one worker pass. */
async function pass(): Promise<void> {
  await worker.queue({ queue: 'broadsheet-delivery', messages: [{ id: 'm', timestamp: new Date(), attempts: 1, body: { kind: 'work' }, ack() {}, retry() {} }], ackAll() {}, retryAll() {} } as never, env);
}

async function publish(readers: number, title: string): Promise<number> {
  await seedReaders(readers, title.toLowerCase().replace(/\W+/g, '-'));
  const post = await api('POST', '/api/admin/posts', { title, body: `# ${title}\n\nText.` });
  expect(post.status).toBe(201);
  const published = await api('POST', `/api/admin/posts/${post.body.id}/publish`, {});
  expect(published.status).toBe(202);
  const send = (published.body as unknown as { send: SendView }).send;
  expect(send).toMatchObject({ status: 'queued', total: readers });
  return send.id;
}

const ledger = async (sendId: number) =>
  Object.fromEntries(
    (await testEnv.DB.prepare('SELECT status, count(*) AS n FROM deliveries WHERE send_id = ? GROUP BY status').bind(sendId).all<{ status: string; n: number }>()).results.map((r) => [r.status, r.n]),
  ) as Record<string, number>;

/** A pass started, and `during` run once the first copies of this pass have been recorded. */
async function passInterruptedBy<T>(sendId: number, during: () => Promise<T>): Promise<T> {
  const running = pass();
  const before = (await ledger(sendId)).sent ?? 0;
  for (let i = 0; i < 200 && ((await ledger(sendId)).sent ?? 0) === before; i++) await new Promise((resolve) => setTimeout(resolve, 25));
  const result = await during();
  await running;
  return result;
}

/** Each reader's copies in the sink: every one must be 1. */
async function copiesPerReader(): Promise<Map<string, number>> {
  return countBy(await sink.recipients());
}

describe('pausing, resuming and cancelling a send on Workers', () => {
  it('a send paused while it runs mails nobody more across passes, and once resumed finishes with every reader once', async () => {
    const sendId = await publish(2000, 'Paused issue');
    // The publish asked the queue for a pass; none has run yet.
    expect(wakeUps.length).toBeGreaterThan(0);
    expect(await ledger(sendId)).toEqual({ pending: 2000 });

    const paused = await passInterruptedBy(sendId, () => api('POST', `/api/admin/sends/${sendId}/pause`));
    expect(paused.status).toBe(200);
    expect(paused.body.status).toBe('paused');

    // The pass has ended: messages in flight at the pause finished, then it stopped.
    const atPause = await api('GET', `/api/admin/sends/${sendId}`);
    expect(atPause.body.status).toBe('paused');
    const sentAtPause = atPause.body.sent;
    expect(sentAtPause).toBeGreaterThan(0);
    expect(sentAtPause).toBeLessThan(2000);
    expect(await ledger(sendId)).toEqual({ sent: sentAtPause, pending: 2000 - sentAtPause });
    expect(await sink.recipients()).toHaveLength(sentAtPause);

    // Two more passes while paused: nothing goes out, nothing changes.
    for (let i = 0; i < 2; i++) {
      await pass();
      expect(await sink.recipients()).toHaveLength(sentAtPause);
      expect(await ledger(sendId)).toEqual({ sent: sentAtPause, pending: 2000 - sentAtPause });
    }
    expect((await api('POST', `/api/admin/sends/${sendId}/pause`)).status).toBe(409);

    wakeUps.length = 0;
    const resumed = await api('POST', `/api/admin/sends/${sendId}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.status).toBe('sending');
    // Resuming asks for a pass, as on Node it wakes the worker.
    expect(wakeUps.length).toBeGreaterThan(0);

    let send = resumed.body;
    for (let i = 0; i < 40 && send.status !== 'done'; i++) {
      await pass();
      send = (await api('GET', `/api/admin/sends/${sendId}`)).body;
    }
    expect(send).toMatchObject({ status: 'done', total: 2000, sent: 2000, failed: 0, skipped: 0, pending: 0 });
    const copies = await copiesPerReader();
    expect(copies.size).toBe(2000);
    expect([...copies.values()].every((n) => n === 1)).toBe(true);
    expect((await api('POST', `/api/admin/sends/${sendId}/cancel`)).status).toBe(409);
  });

  it('a send cancelled while it runs leaves the rest unsent for good', async () => {
    const sendId = await publish(1000, 'Cancelled issue');
    const cancelled = await passInterruptedBy(sendId, () => api('POST', `/api/admin/sends/${sendId}/cancel`));
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.pending).toBeGreaterThan(0);

    const after = (await api('GET', `/api/admin/sends/${sendId}`)).body;
    expect(after.status).toBe('cancelled');
    expect(after.sent).toBeGreaterThan(0);
    expect(after.sent).toBeLessThan(1000);
    // Copies in flight at the cancel finished and were recorded; no more than that.
    expect(after.sent).toBeGreaterThanOrEqual(cancelled.body.sent);
    expect(after.pending).toBe(1000 - after.sent);
    expect(await ledger(sendId)).toEqual({ sent: after.sent, pending: 1000 - after.sent });

    for (let i = 0; i < 2; i++) {
      await pass();
      expect(await sink.recipients()).toHaveLength(after.sent);
    }
    expect((await api('GET', `/api/admin/sends/${sendId}`)).body).toMatchObject({ status: 'cancelled', sent: after.sent });
    const copies = await copiesPerReader();
    expect(copies.size).toBe(after.sent);
    expect([...copies.values()].every((n) => n === 1)).toBe(true);
    expect((await api('POST', `/api/admin/sends/${sendId}/resume`)).status).toBe(409);
    expect((await api('POST', `/api/admin/sends/${sendId}/pause`)).status).toBe(409);
    expect((await api('POST', '/api/admin/sends/999/pause')).status).toBe(404);
  });

  it('a send paused before any pass sends nothing until resumed', async () => {
    const sendId = await publish(50, 'Paused early');
    expect((await api('POST', `/api/admin/sends/${sendId}/pause`)).body.status).toBe('paused');
    await pass();
    await pass();
    expect(await sink.recipients()).toEqual([]);
    expect(await ledger(sendId)).toEqual({ pending: 50 });
    expect((await api('POST', `/api/admin/sends/${sendId}/resume`)).body.status).toBe('sending');
    await pass();
    expect((await api('GET', `/api/admin/sends/${sendId}`)).body).toMatchObject({ status: 'done', sent: 50 });
    expect((await copiesPerReader()).size).toBe(50);
  });
});
