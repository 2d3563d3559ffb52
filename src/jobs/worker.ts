import type { Deps } from '../deps.js';
import { createDispatcher } from '../delivery/dispatcher.js';
import { createSharedPacer } from '../sending/shared-pacer.js';
import { createSendTask } from '../sending/deliver-sends.js';
import { webhookEventPruner } from '../webhooks/prune-webhook-events.js';
import { createMailQueueTask } from './mail-queue.js';
import { publishScheduledPosts } from './publish-scheduled.js';
import { createWorkerPresence, HEARTBEAT_MS, type WorkerOrigin, type WorkerPresence } from './worker-presence.js';

/** One kind of background work; returns how many items it handled (0 = nothing was due). */
export type Task = () => Promise<number>;

export interface Worker {
  readonly presence: WorkerPresence;
  /** Every kind of background work, by name, each run once per pass. */
  readonly tasks: Readonly<Record<string, Task>>;
  /**
   * One pass over every task: what a Node loop runs again and again, and what a serverless
   * invocation (a queue message, a cron tick) runs once. A failing task is logged and the others
   * still run. Returns how many items were handled.
   */
  runPass(): Promise<number>;
  /** Writes the heartbeat if one is due; the Node loop also calls it on a timer during long passes. */
  heartbeat(): Promise<void>;
}

/** Builds a worker over `deps`; nothing here assumes a long-lived process. */
export function createWorker(deps: Deps, origin: WorkerOrigin): Worker {
  const presence = createWorkerPresence(deps.db, deps.clock, origin);
  const { config } = deps;
  // One engine for every kind of mail, so the concurrency and the rate cap cover them all.
  const dispatcher = createDispatcher({
    mailer: deps.mailer,
    maxInFlight: config.sendConcurrency * 2,
    pacer: createSharedPacer(deps.db, config.sendRatePerSecond),
    policy: { maxAttempts: config.sendMaxAttempts, retryDelayMs: config.sendRetryDelayMs, now: () => deps.clock.now() },
  });
  const tasks: Record<string, Task> = {
    mail: createMailQueueTask(deps, presence, dispatcher),
    scheduled: () => publishScheduledPosts(deps),
    sends: createSendTask(deps, presence, dispatcher),
    pruneWebhookEvents: webhookEventPruner(deps),
  };
  let lastBeat = -Infinity;
  let beating: Promise<void> | undefined;

  async function heartbeat(): Promise<void> {
    if (performance.now() - lastBeat < HEARTBEAT_MS / 2) return;
    // One write at a time: the timer and a pass may both ask.
    beating ??= presence
      .beat()
      .then(() => {
        lastBeat = performance.now();
      })
      .finally(() => (beating = undefined));
    await beating;
  }

  return {
    presence,
    tasks,
    heartbeat,
    async runPass() {
      try {
        await heartbeat();
      } catch (error) {
        // Without a heartbeat nobody can tell we hold claims: claim nothing this pass.
        deps.logger.error('worker.heartbeat_failed', { error: error instanceof Error ? error.message : String(error) });
        return 0;
      }
      let handled = 0;
      for (const [name, task] of Object.entries(tasks)) {
        try {
          handled += await task();
        } catch (error) {
          deps.logger.error('worker.task_failed', { task: name, error: error instanceof Error ? error.message : String(error) });
        }
      }
      return handled;
    },
  };
}
