/**
 * Everything a bench starts is stopped and removed on the way out: on success, on failure, on
 * Ctrl-C, and when stdout goes away under us (`| head -1`). A bench registers what to undo with
 * `onCleanup` and runs its body through `runBench`, which exits 0 only when the body finished.
 */
const cleanups: Array<() => Promise<void> | void> = [];
const lastResort: Array<() => void> = [];
let cleaning: Promise<void> | undefined;
let cleaned = false;

export const note = (bench: string) => (message: string) => process.stderr.write(`${bench}: ${message}\n`);

/** Registers an undo step; steps run in reverse order. `sync` also runs if the process exits first. */
export function onCleanup(fn: () => Promise<void> | void, sync?: () => void): void {
  cleanups.push(fn);
  if (sync) lastResort.push(sync);
}

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (error) {
        process.stderr.write(`cleanup: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
    cleaned = true;
  })();
  return cleaning;
}

export function runBench(body: () => Promise<void>): void {
  const fail = (error: unknown) => {
    process.stderr.write(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    void cleanup().then(() => process.exit(1));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => void cleanup().then(() => process.exit(130)));
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  process.stdout.on('error', fail);
  process.on('exit', () => {
    if (cleaned) return;
    for (const fn of lastResort) {
      try {
        fn();
      } catch {
        // Best effort: the process is going anyway.
      }
    }
  });
  // In-process product pieces (worker threads, pools) may keep the loop alive: exit explicitly.
  body().then(() => cleanup().then(() => process.exit(0)), fail);
}
