import type { WakeChannel } from '../jobs/wake-channel.js';
import type { Logger } from '../log.js';
import type { QueueProducer, WorkMessage } from './bindings.js';

export interface QueueWakeChannel extends WakeChannel {
  /** Settles when every wake-up sent so far has reached the queue: what `ctx.waitUntil` keeps alive. */
  sent(): Promise<void>;
}

/**
 * Wake-ups as queue messages: the consumer that receives one runs a worker pass. Only a hint, as
 * on Node: a lost message costs at most the minute until the cron trigger's pass.
 */
export function queueWakeChannel(queue: QueueProducer<WorkMessage>, logger: Logger): QueueWakeChannel {
  const inFlight = new Set<Promise<void>>();
  return {
    notify() {
      const sending = queue
        .send({ kind: 'work' })
        .catch((error: unknown) => logger.warn('queue.wake_failed', { error: error instanceof Error ? error.message : String(error) }))
        .finally(() => inFlight.delete(sending));
      inFlight.add(sending);
    },
    listen: async () => async () => {},
    async sent() {
      await Promise.all(inFlight);
    },
  };
}
