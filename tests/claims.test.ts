import { afterEach, expect, it } from 'vitest';
import { claimLeased } from '../src/jobs/claims.js';
import { createWorkerPresence, HEARTBEAT_STALE_MS } from '../src/jobs/worker-presence.js';
import { claimDeliveries } from '../src/sending/claim-deliveries.js';
import { ADMIN_ENV } from './helpers/posts-fixtures.js';
import { publishWithSend, seedActiveReaders } from './helpers/sending-fixtures.js';
import { createTestContext, json, manualClock, type TestContext } from './helpers/test-app.js';

let t: TestContext;
afterEach(async () => t?.close());

const LEASE_MS = 60_000;
const origin = { host: 'test', pid: 1 };

async function sendingSend(readers: number) {
  await seedActiveReaders(t.deps, readers);
  const { body } = await publishWithSend(t.app, { title: 'Claimed', body: 'x' });
  await t.deps.db.updateTable('sends').set({ status: 'sending' }).where('id', '=', body.send.id).execute();
  return body.send.id as number;
}

it('takes at most the limit per claim, and workers claiming at once take different rows', async () => {
  const clock = manualClock();
  t = await createTestContext({ env: ADMIN_ENV, clock });
  const sendId = await sendingSend(1500);
  const workers = [1, 2, 3].map(() => createWorkerPresence(t.deps.db, clock, origin));
  for (const w of workers) await w.beat();

  const first = await claimDeliveries(t.deps.db, sendId, 200, clock.now(), LEASE_MS, workers[0]!.id);
  expect(first).toHaveLength(200);
  const racing = await Promise.all(workers.map((w) => claimDeliveries(t.deps.db, sendId, 200, clock.now(), LEASE_MS, w.id)));
  const ids = [...first, ...racing.flat()].map((d) => d.id);
  for (const batch of racing) expect(batch.length).toBeLessThanOrEqual(200);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.length).toBe(800);
});

it("frees a silent worker's claims once its heartbeat is stale, long before the lease ends", async () => {
  const clock = manualClock();
  t = await createTestContext({ env: ADMIN_ENV, clock });
  const sendId = await sendingSend(10);
  const dead = createWorkerPresence(t.deps.db, clock, origin);
  const alive = createWorkerPresence(t.deps.db, clock, origin);
  await dead.beat();
  expect(await claimDeliveries(t.deps.db, sendId, 100, clock.now(), LEASE_MS, dead.id)).toHaveLength(10);

  clock.advance(HEARTBEAT_STALE_MS - 1000);
  await alive.beat();
  expect(await claimDeliveries(t.deps.db, sendId, 100, clock.now(), LEASE_MS, alive.id)).toHaveLength(0);

  clock.advance(2000);
  await alive.beat();
  const retaken = await claimDeliveries(t.deps.db, sendId, 100, clock.now(), LEASE_MS, alive.id);
  expect(retaken).toHaveLength(10);
  expect(retaken.every((d) => d.attempts === 2)).toBe(true);
  // A worker that says goodbye frees its claims at once.
  await alive.leave();
  const other = createWorkerPresence(t.deps.db, clock, origin);
  await other.beat();
  expect(await claimDeliveries(t.deps.db, sendId, 100, clock.now(), LEASE_MS, other.id)).toHaveLength(10);
});

it('a confirmation claimed by a worker that crashed goes out within seconds, not after the lease', async () => {
  const clock = manualClock();
  t = await createTestContext({ clock });
  expect((await t.app.request('/api/subscribe', json({ email: 'new@example.com' }))).status).toBe(202);
  const crashed = createWorkerPresence(t.deps.db, clock, origin);
  await crashed.beat();
  const claimed = await claimLeased(t.deps.db, { table: 'mail_queue', limit: 10, now: clock.now(), leaseMs: LEASE_MS, workerId: crashed.id }, ['id']);
  expect(claimed).toHaveLength(1);

  await t.drain();
  expect(t.smtp.messages).toHaveLength(0);
  clock.advance(HEARTBEAT_STALE_MS + 1000);
  await t.drain();
  await t.smtp.waitFor(1);
  expect(t.smtp.messages[0]!.envelope.to).toEqual(['new@example.com']);
});
