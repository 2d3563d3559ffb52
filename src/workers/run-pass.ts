import type { Worker } from '../jobs/worker.js';
import { HEARTBEAT_MS } from '../jobs/worker-presence.js';

/**
 * One worker pass inside one invocation (a queue batch, a cron tick), with the heartbeat kept
 * up while it runs, as the Node loop does between passes. The worker is not deregistered after:
 * other invocations of the same isolate may be using it; its heartbeat simply goes stale.
 */
export async function runPassWithHeartbeat(worker: Worker, onError: (error: unknown) => void): Promise<number> {
  const timer = setInterval(() => worker.heartbeat().catch(onError), HEARTBEAT_MS);
  try {
    return await worker.runPass();
  } finally {
    clearInterval(timer);
  }
}
