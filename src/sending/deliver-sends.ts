import { addMs, iso } from '../clock.js';
import type { Deps } from '../deps.js';
import type { SubscriberStatus } from '../db/database.js';
import { backoffMs } from '../jobs/backoff.js';
import type { Task } from '../jobs/worker-loop.js';
import { listUnsubscribeValue } from '../mail/list-headers.js';
import { toMailError } from '../mail/mailer.js';
import { notSuppressed } from '../suppressions/exclude-suppressed.js';
import { memberLinks } from '../subscriptions/member-links.js';
import { claimDeliveries, hasPendingDeliveries, type ClaimedDelivery } from './claim-deliveries.js';
import { createPacer } from './pacer.js';
import { prepareSend, type PreparedSend } from './prepare-send.js';
import { emptyOutcomes, outcomeCount, recordOutcomes, type Outcomes } from './record-outcomes.js';

/** How long one pass may stay on sends before the worker gives other tasks a turn. */
const PASS_BUDGET_MS = 2000;
/** Outcomes are written at least this often: a crash re-sends at most this many plus those in flight. */
const FLUSH_EVERY = 100;
const FLUSH_MS = 250;

interface Reader {
  id: number;
  email: string;
  name: string | null;
  status: SubscriberStatus;
}

/**
 * The delivery worker: claims due deliveries in batches, sends each reader's copy over the
 * pooled transport with bounded concurrency and an optional rate, and records outcomes after
 * sending (never before, so a crash can repeat a message but never skip a reader).
 */
export function createSendTask(deps: Deps): Task {
  const { db, clock, config, mailer, logger } = deps;
  const prepared = new Map<number, PreparedSend>();
  const pacer = createPacer(config.sendRatePerSecond);
  const maxInFlight = config.sendConcurrency * 2;
  // With a rate limit, claim no more than can go out well within the lease.
  const batchSize = config.sendRatePerSecond > 0 ? Math.max(1, Math.min(200, Math.floor((config.sendRatePerSecond * config.sendLeaseMs) / 4000))) : 200;

  async function deliverSend(sendId: number): Promise<number> {
    const startedAt = iso(clock.now());
    await db
      .updateTable('sends')
      .set((eb) => ({ status: 'sending', started_at: eb.fn.coalesce('started_at', eb.val(startedAt)), updated_at: startedAt }))
      .where('id', '=', sendId)
      .where('status', '=', 'queued')
      .execute();
    let send = prepared.get(sendId);
    if (!send) {
      send = await prepareSend(deps, sendId);
      prepared.set(sendId, send);
    }

    const deadline = performance.now() + PASS_BUDGET_MS;
    const inflight = new Set<Promise<void>>();
    let outcomes = emptyOutcomes();
    let lastFlush = performance.now();
    let handled = 0;
    const flush = async () => {
      lastFlush = performance.now();
      if (outcomeCount(outcomes) === 0) return;
      const batch = outcomes;
      outcomes = emptyOutcomes();
      await recordOutcomes(db, sendId, batch, iso(clock.now()), send.mailDomain);
    };

    while (performance.now() < deadline) {
      const claimed = await claimDeliveries(db, sendId, batchSize, clock.now(), config.sendLeaseMs);
      if (claimed.length === 0) break;
      const readers = await loadReaders(claimed);
      for (const delivery of claimed) {
        handled++;
        const reader = delivery.subscriber_id === null ? undefined : readers.get(delivery.subscriber_id);
        // Erased, unsubscribed, bounced or suppressed since the snapshot: nothing more from this send.
        if (!reader || reader.status !== 'active') {
          outcomes.skipped.push(delivery.id);
          continue;
        }
        while (inflight.size >= maxInFlight) await Promise.race(inflight);
        await pacer.wait();
        // Filed into whichever batch is open when the send completes: flushes swap the object.
        const p: Promise<void> = deliverOne(send, delivery, reader)
          .then((file) => file(outcomes))
          .finally(() => inflight.delete(p));
        inflight.add(p);
        if (outcomeCount(outcomes) >= FLUSH_EVERY || performance.now() - lastFlush > FLUSH_MS) await flush();
      }
      if (!(await stillSending(sendId))) break;
    }
    await Promise.all(inflight);
    await flush();

    if (!(await hasPendingDeliveries(db, sendId))) {
      const finishedAt = iso(clock.now());
      const done = await db
        .updateTable('sends')
        .set({ status: 'done', finished_at: finishedAt, updated_at: finishedAt })
        .where('id', '=', sendId)
        .where('status', '=', 'sending')
        .returning(['sent', 'failed', 'skipped', 'total'])
        .executeTakeFirst();
      if (done) logger.info('send.done', { send: sendId, ...done });
      prepared.delete(sendId);
    }
    return handled;
  }

  /** Sends one reader's copy; resolves to a function that files the outcome. */
  async function deliverOne(send: PreparedSend, delivery: ClaimedDelivery, reader: Reader): Promise<(o: Outcomes) => void> {
    const links = memberLinks(send.publicUrl, deps.tokens, reader.id);
    const raw = send.mime.build({
      to: reader.email,
      toName: reader.name,
      date: clock.now(),
      messageId: `<${send.id}.${delivery.id}@${send.mailDomain}>`,
      listUnsubscribe: listUnsubscribeValue(links.unsubscribe_url, send.unsubscribeMailto),
      values: { ...links, email: reader.email, name: reader.name ?? '' },
    });
    try {
      await mailer.sendRaw({ from: send.envelopeFrom, to: reader.email }, raw);
      return (o) => o.sent.push(delivery.id);
    } catch (error) {
      const failure = toMailError(error);
      if (failure.permanent) return (o) => o.bounced.push({ id: delivery.id, subscriberId: reader.id, error: failure.message });
      if (delivery.attempts >= config.sendMaxAttempts) return (o) => o.failed.push({ id: delivery.id, error: failure.message });
      const at = iso(addMs(clock.now(), backoffMs(config.sendRetryDelayMs, delivery.attempts)));
      return (o) => o.retry.push({ id: delivery.id, at, error: failure.message });
    }
  }

  async function loadReaders(claimed: ClaimedDelivery[]): Promise<Map<number, Reader>> {
    const ids = claimed.flatMap((d) => (d.subscriber_id === null ? [] : [d.subscriber_id]));
    if (ids.length === 0) return new Map();
    // Suppressed since the snapshot (a complaint, an editor's entry): treated as gone.
    const rows = await db.selectFrom('subscribers').select(['id', 'email', 'name', 'status']).where('id', 'in', ids).where(notSuppressed).execute();
    return new Map(rows.map((r) => [r.id, r]));
  }

  async function stillSending(sendId: number): Promise<boolean> {
    const row = await db.selectFrom('sends').select('status').where('id', '=', sendId).executeTakeFirst();
    return row?.status === 'sending';
  }

  return async () => {
    const active = await db.selectFrom('sends').select('id').where('status', 'in', ['queued', 'sending']).orderBy('id').execute();
    for (const id of prepared.keys()) if (!active.some((s) => s.id === id)) prepared.delete(id);
    let handled = 0;
    for (const { id } of active) handled += await deliverSend(id);
    return handled;
  };
}
