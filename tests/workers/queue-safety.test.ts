import { createExecutionContext, SELF, waitOnExecutionContext } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import worker from '../../src/worker.js';
import type { WorkerBindings, WorkMessage } from '../../src/workers/bindings.js';
import { resetD1, testEnv } from './d1-reset.js';
import { ADMIN, BASE, createPost, seedReaders, waitForSend } from './fixtures.js';
import { sink, countBy } from './sink.js';

const env = testEnv as unknown as WorkerBindings;

beforeEach(async () => {
  await resetD1();
  await sink.clear();
});

/** A queue batch as the runtime hands one to the consumer. */
function batchOf(count: number) {
  let acked = 0;
  return {
    batch: {
      queue: 'broadsheet-delivery',
      messages: Array.from({ length: count }, (_, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body: { kind: 'work' } as WorkMessage, ack() {}, retry() {} })),
      ackAll: () => void acked++,
      retryAll() {},
    },
    acked: () => acked,
  };
}

describe('the queue consumer and the cron trigger', () => {
  it('a repeated message mails nobody twice: consumers racing on one send share it', async () => {
    await seedReaders(400, 'dup');
    const postId = await createPost('Repeated messages');
    const published = await SELF.fetch(`${BASE}/api/admin/posts/${postId}/publish`, { method: 'POST', headers: ADMIN, body: '{}' });
    const { send } = (await published.json()) as { send: { id: number } };
    // The publish already enqueued its own message; the same message delivered three more times at once.
    const repeats = [batchOf(1), batchOf(1), batchOf(3)];
    await Promise.all(repeats.map(({ batch }) => worker.queue(batch as never, env)));
    expect(repeats.map((r) => r.acked())).toEqual([1, 1, 1]);

    expect(await waitForSend(send.id)).toMatchObject({ status: 'done', total: 400, sent: 400, failed: 0 });
    const counts = countBy((await sink.messages()).flatMap((m) => m.envelope.to));
    expect(counts.size).toBe(400);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const ledger = await testEnv.DB.prepare("SELECT count(*) AS n FROM deliveries WHERE send_id = ? AND status = 'sent'").bind(send.id).first<{ n: number }>();
    expect(ledger!.n).toBe(400);
  });

  it('the cron trigger takes over claims whose worker died and mails each of them once', async () => {
    await seedReaders(60, 'orphan');
    const postId = await createPost('Orphaned claims');
    // Published on the web only; then a send whose every delivery is held by a worker that stopped beating.
    const published = await SELF.fetch(`${BASE}/api/admin/posts/${postId}/publish`, { method: 'POST', headers: ADMIN, body: JSON.stringify({ send: false }) });
    expect(published.status).toBe(202);
    const now = new Date();
    const past = new Date(now.getTime() - 60_000).toISOString();
    const leaseEnd = new Date(now.getTime() + 15 * 60_000).toISOString();
    await testEnv.DB.batch([
      testEnv.DB.prepare("INSERT INTO workers (id, host, pid, started_at, heartbeat_at) VALUES ('dead-worker', 'workers', 1, ?, ?)").bind(past, past),
      testEnv.DB.prepare(
        "INSERT INTO sends (post_id, status, subject, from_name, from_address, total, created_at, started_at, updated_at) VALUES (?, 'sending', 'Orphaned claims', 'Allycaral', 'news@example.com', 60, ?, ?, ?)",
      ).bind(postId, past, past, past),
      testEnv.DB.prepare(
        "INSERT INTO deliveries (send_id, subscriber_id, attempts, next_attempt_at, lease_until, claimed_by) SELECT (SELECT id FROM sends WHERE post_id = ?), id, 1, ?, ?, 'dead-worker' FROM subscribers ORDER BY id",
      ).bind(postId, past, leaseEnd),
    ]);
    const sendId = (await testEnv.DB.prepare('SELECT id FROM sends WHERE post_id = ?').bind(postId).first<{ id: number }>())!.id;

    // No queue message exists for this send: only the cron trigger can find it.
    const ctx = createExecutionContext();
    await worker.scheduled({ cron: '* * * * *', scheduledTime: Date.now() } as never, env, ctx);
    await waitOnExecutionContext(ctx);

    expect(await waitForSend(sendId)).toMatchObject({ status: 'done', total: 60, sent: 60 });
    const counts = countBy((await sink.messages()).flatMap((m) => m.envelope.to));
    expect(counts.size).toBe(60);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });
});
