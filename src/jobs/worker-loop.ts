import type { Logger } from '../log.js';

/** One kind of background work; returns how many items it handled (0 = nothing was due). */
export type Task = () => Promise<number>;

export interface WorkerLoop {
  /** Run a pass now instead of at the next poll. */
  wake(): void;
  /** Finish the pass in progress, then stop. */
  stop(): Promise<void>;
}

/**
 * Runs the tasks in passes: after a pass that did work it goes again at once; after an idle
 * pass it sleeps `pollMs` or until woken. A failing task is logged and retried next pass, so one
 * bad row cannot stop the worker.
 */
export function startWorkerLoop(tasks: Record<string, Task>, options: { pollMs: number; logger: Logger }): WorkerLoop {
  let stopping = false;
  let wakeUp: (() => void) | undefined;
  let woken = false;

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
      let handled = 0;
      for (const [name, task] of Object.entries(tasks)) {
        try {
          handled += await task();
        } catch (error) {
          options.logger.error('worker.task_failed', { task: name, error: error instanceof Error ? error.message : String(error) });
        }
      }
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
      await running;
    },
  };
}
