import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import type { AttemptOutcome, BuiltMessage, Dispatcher } from '../delivery/dispatcher.js';
import type { SubscriberStatus } from '../db/database.js';
import { idIn } from '../db/id-list.js';
import type { Task } from '../jobs/worker.js';
import type { WorkerPresence } from '../jobs/worker-presence.js';
import { listUnsubscribeValue } from '../mail/list-headers.js';
import { mailingMessageId } from '../mail/message-id.js';
import { notSuppressed } from '../suppressions/exclude-suppressed.js';
import { memberLinks } from '../subscriptions/member-links.js';
import { claimDeliveries, hasPendingDeliveries, releaseDeliveries, type ClaimedDelivery } from './claim-deliveries.js';
import { createCircuitBreaker, type CircuitBreaker } from './circuit-breaker.js';
import { prepareSend, SendBuildError, type PreparedSend } from './prepare-send.js';
import { emptyOutcomes, outcomeCount, recordOutcomes, type Outcomes } from './record-outcomes.js';
import { stopSend } from './stop-send.js';

/** How long one pass may stay on sends before the worker gives other tasks a turn. */
const PASS_BUDGET_MS = 2000;
/**
 * Outcomes are written at least this often. One flush runs while the next batch collects, so a
 * crash re-sends at most twice this many plus those in flight.
 */
const FLUSH_EVERY = 50;
const FLUSH_MS = 250;
/** Claimed rows are only handed to SMTP while this much of their lease is left. */
const LEASE_SAFETY = 0.5;
/** A send whose pass fails waits this long before the worker tries it again. */
const FAILED_PASS_BACKOFF_MS = 30_000;

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
export function createSendTask(deps: Deps, presence: WorkerPresence, dispatcher: Dispatcher): Task {
  const { db, clock, config, logger } = deps;
  const prepared = new Map<number, PreparedSend>();
  // Per send and across passes: a run of identical refusals may span two passes.
  const breakers = new Map<number, CircuitBreaker>();
  const resting = new Map<number, number>();
  // With a rate limit, claim no more than can go out well within the lease.
  const batchSize = config.sendRatePerSecond > 0 ? Math.max(1, Math.min(200, Math.floor((config.sendRatePerSecond * config.sendLeaseMs) / 4000))) : 200;

  async function deliverSend(sendId: number): Promise<number> {
    const startedAt = iso(clock.now());
    await db
      .updateTable('sends')
      .set((eb) => ({ status: 'sending', started_at: eb.fn.coalesce('started_at', eb.val(startedAt)), updated_at: startedAt }))
      .where('id', '=', sendId)
      .where('status', 'in', ['queued', 'sending'])
      .where((eb) => eb.or([eb('status', '=', 'queued'), eb('started_at', 'is', null)]))
      .execute();
    let send = prepared.get(sendId);
    if (!send) {
      send = await prepareSend(deps, sendId);
      prepared.set(sendId, send);
    }
    const breaker = breakers.get(sendId) ?? createCircuitBreaker();
    breakers.set(sendId, breaker);
    // Set when the breaker trips: the mail server refuses everyone the same way.
    let pauseReason: string | undefined;

    const deadline = performance.now() + PASS_BUDGET_MS;
    let outcomes = emptyOutcomes();
    let lastFlush = performance.now();
    let handled = 0;
    // Paused or cancelled: learnt at every flush, so at most one flush interval more goes out.
    // Also set at once when the circuit breaker trips.
    let halted = false;
    const flush = async () => {
      lastFlush = performance.now();
      if (outcomeCount(outcomes) === 0) return;
      const batch = outcomes;
      outcomes = emptyOutcomes();
      try {
        halted = (await recordOutcomes(db, sendId, batch, iso(clock.now()), send.messageIds)) !== 'sending' || halted;
      } catch (error) {
        // Keep them for the next flush rather than lose them (a lost outcome means a re-send).
        mergeInto(outcomes, batch);
        throw error;
      }
    };
    // Flushes run beside the sending, one at a time: a commit on PostgreSQL is a network round
    // trip and an fsync (tens of ms on a busy disk), and waiting for it would stall every lane.
    let flushing: Promise<void> | undefined;
    let flushError: unknown;
    const flushInBackground = () => {
      if (flushing) return;
      flushing = flush()
        .catch((error) => {
          flushError ??= error;
          halted = true;
        })
        .finally(() => (flushing = undefined));
    };

    try {
      while (!halted && performance.now() < deadline) {
        const claimedAt = Date.now();
        const claimed = await claimDeliveries(db, sendId, batchSize, clock.now(), config.sendLeaseMs, presence.id);
        if (claimed.length === 0) break;
        const readers = await loadReaders(claimed);
        const undispatched: number[] = [];
        for (const delivery of claimed) {
          // Stopped, or so slow that the lease may run out, or our heartbeat so late that other
          // workers may think us dead: another worker may take these rows, so leave them.
          if (halted || Date.now() - claimedAt > config.sendLeaseMs * LEASE_SAFETY || !presence.holdsClaims()) {
            undispatched.push(delivery.id);
            continue;
          }
          handled++;
          const reader = delivery.subscriber_id === null ? undefined : readers.get(delivery.subscriber_id);
          // Erased, unsubscribed, bounced or suppressed since the snapshot: nothing more from this send.
          if (!reader || reader.status !== 'active') {
            outcomes.skipped.push(delivery.id);
            continue;
          }
          await dispatcher.dispatch(
            () => buildCopy(send, delivery, reader),
            delivery.attempts,
            (outcome, failure) => {
              // Filed into whichever batch is open when the attempt ends: flushes swap the object.
              file(outcomes, delivery, reader, outcome);
              const reason = breaker.record(failure);
              if (reason && !pauseReason) {
                pauseReason = reason;
                halted = true;
              }
            },
          );
          if (outcomeCount(outcomes) >= FLUSH_EVERY || performance.now() - lastFlush > FLUSH_MS) {
            // Never more than one batch waiting behind the flush in progress.
            if (flushing) await flushing;
            flushInBackground();
          }
        }
        if (undispatched.length > 0) await releaseDeliveries(db, undispatched);
        // No status check here: the next claim only takes rows of a send that is still sending.
      }
    } finally {
      await dispatcher.settle();
      await flushing;
      await flush();
    }
    if (flushError) throw flushError;

    if (pauseReason) {
      // Nobody is bounced for it: the refused deliveries wait as retries for a resume.
      if (await stopSend(db, sendId, 'paused', pauseReason, iso(clock.now()))) logger.warn('send.paused', { send: sendId, reason: pauseReason });
      breakers.delete(sendId);
      return handled;
    }

    if (!halted && !(await hasPendingDeliveries(db, sendId))) {
      const finishedAt = iso(clock.now());
      const done = await db
        .updateTable('sends')
        .set({ status: 'done', finished_at: finishedAt, updated_at: finishedAt })
        .where('id', '=', sendId)
        .where('status', '=', 'sending')
        .returning(['sent', 'failed', 'skipped', 'unknown', 'total'])
        .executeTakeFirst();
      if (done) logger.info('send.done', { send: sendId, ...done });
      prepared.delete(sendId);
      breakers.delete(sendId);
    }
    return handled;
  }

  function file(o: Outcomes, delivery: ClaimedDelivery, reader: Reader, outcome: AttemptOutcome): void {
    if (outcome.status === 'sent') o.sent.push(delivery.id);
    else if (outcome.status === 'bounced') o.bounced.push({ id: delivery.id, subscriberId: reader.id, error: outcome.error });
    else if (outcome.status === 'failed') o.failed.push({ id: delivery.id, error: outcome.error });
    else if (outcome.status === 'unknown') o.unknown.push({ id: delivery.id, error: outcome.error });
    else o.retry.push({ id: delivery.id, at: outcome.at, error: outcome.error });
  }

  function buildCopy(send: PreparedSend, delivery: ClaimedDelivery, reader: Reader): BuiltMessage {
    return { envelope: { from: send.envelopeFrom, to: reader.email }, raw: buildRaw(send, delivery, reader) };
  }

  function buildRaw(send: PreparedSend, delivery: ClaimedDelivery, reader: Reader): string {
    const links = memberLinks(send.publicUrl, deps.tokens, reader.id);
    return send.mime.build({
      to: reader.email,
      toName: reader.name,
      date: clock.now(),
      messageId: mailingMessageId(send.messageIds, send.id, delivery.id),
      listUnsubscribe: listUnsubscribeValue(links.unsubscribe_url, send.unsubscribeMailto),
      values: { ...links, email: reader.email, name: reader.name ?? '' },
    });
  }

  async function loadReaders(claimed: ClaimedDelivery[]): Promise<Map<number, Reader>> {
    const ids = claimed.flatMap((d) => (d.subscriber_id === null ? [] : [d.subscriber_id]));
    if (ids.length === 0) return new Map();
    // Suppressed since the snapshot (a complaint, an editor's entry): treated as gone.
    const rows = await db.selectFrom('subscribers').select(['id', 'email', 'name', 'status']).where(idIn(db, 'subscribers.id', ids)).where(notSuppressed).execute();
    return new Map(rows.map((r) => [r.id, r]));
  }

  return async () => {
    const active = await db.selectFrom('sends').select('id').where('status', 'in', ['queued', 'sending']).orderBy('id').execute();
    for (const id of prepared.keys()) if (!active.some((s) => s.id === id)) prepared.delete(id);
    for (const id of breakers.keys()) if (!active.some((s) => s.id === id)) breakers.delete(id);
    let handled = 0;
    for (const { id } of active) {
      if ((resting.get(id) ?? 0) > Date.now()) continue;
      // One broken send (a template that no longer compiles, a failing write) must not hold up the others.
      try {
        handled += await deliverSend(id);
        resting.delete(id);
      } catch (error) {
        prepared.delete(id);
        breakers.delete(id);
        if (error instanceof SendBuildError) {
          // Retrying cannot help: stop it where an editor sees why, instead of spinning in `sending`.
          if (await stopSend(db, id, 'failed', error.message, iso(clock.now()))) logger.error('send.failed', { send: id, reason: error.message });
          continue;
        }
        resting.set(id, Date.now() + FAILED_PASS_BACKOFF_MS);
        logger.error('send.pass_failed', { send: id, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return handled;
  };
}

function mergeInto(target: Outcomes, source: Outcomes): void {
  target.sent.push(...source.sent);
  target.skipped.push(...source.skipped);
  target.retry.push(...source.retry);
  target.failed.push(...source.failed);
  target.bounced.push(...source.bounced);
  target.unknown.push(...source.unknown);
}
