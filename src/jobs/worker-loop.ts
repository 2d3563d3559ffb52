import { HEARTBEAT_MS } from './worker-presence.js';
import type { Worker } from './worker.js';

export interface WorkerLoop {
  /** Run a pass now instead of at the next poll. */
  wake(): void;
  /** Finish the pass in progress, then stop and deregister. */
  stop(): Promise<void>;
}

/**
 * Drives a worker on Node: after a pass that did work it goes again at once; after an idle pass
 * it sleeps `pollMs` or until woken. The heartbeat also runs on a timer, so a long pass (a big
 * send) never looks like a dead worker.
 */
export function startWorkerLoop(worker: Worker, options: { pollMs: number; onError: (error: unknown) => void }): WorkerLoop {
  let stopping = false;
  let wakeUp: (() => void) | undefined;
  let woken = false;
  const beat = () => worker.heartbeat().catch(options.onError);
  const heartbeat = setInterval(beat, HEARTBEAT_MS);
  // The loop itself keeps the process alive while it runs; the timer must not outlive it.
  (heartbeat as { unref?: () => void }).unref?.();

  const sleep = () =>
    new Promise<void>((resolve) => {
      if (woken || stopping) return resolve();
      const timer = setTimeout(done, options.pollMs);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });

  const running = (async () => {
    while (!stopping) {
      woken = false;
      const handled = await worker.runPass();
      if (handled === 0) await sleep();
    }
  })();

  return {
    wake() {
      woken = true;
      wakeUp?.();
    },
    async stop() {
      stopping = true;
      wakeUp?.();
      try {
        await running;
      } finally {
        clearInterval(heartbeat);
      }
      await worker.presence.leave().catch(options.onError);
    },
  };
}
