import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Turns a complete MJML document into HTML. */
export type MjmlCompiler = (mjml: string) => Promise<string>;

const OPTIONS = { validationLevel: 'strict', keepComments: false } as const;

/** Compiles on the calling thread; MJML (~50 MB, ~0.5 s to load) stays loaded afterwards. */
export const compileMjmlInProcess: MjmlCompiler = async (mjml) => {
  const { default: mjml2html } = await import('mjml');
  return (await mjml2html(mjml, OPTIONS)).html;
};

// Evaluated as CommonJS inside the worker thread.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const mjml2html = require(workerData.mjml);
parentPort.on('message', async ({ id, mjml }) => {
  try {
    const result = await mjml2html(mjml, workerData.options);
    parentPort.postMessage({ id, html: result.html });
  } catch (error) {
    parentPort.postMessage({ id, error: error && error.message ? error.message : String(error) });
  }
});
`;

/**
 * Compiles in a worker thread that is started on demand and ended after `idleMs` without work.
 * A long-running server compiles rarely (once per send, once per transactional template), and
 * keeping MJML loaded cost ~50 MB of resident memory for the life of the process.
 */
export function createMjmlWorkerCompiler(idleMs = 5000): MjmlCompiler {
  const mjmlPath = createRequire(import.meta.url).resolve('mjml');
  let worker: Worker | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  let nextId = 0;
  const pending = new Map<number, { resolve: (html: string) => void; reject: (error: Error) => void }>();

  const failAll = (error: Error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
    worker = undefined;
  };

  function start(): Worker {
    const w = new Worker(WORKER, { eval: true, workerData: { mjml: mjmlPath, options: OPTIONS } });
    w.on('message', ({ id, html, error }: { id: number; html?: string; error?: string }) => {
      const p = pending.get(id);
      pending.delete(id);
      if (error !== undefined) p?.reject(new Error(`MJML: ${error}`));
      else p?.resolve(html!);
      if (pending.size === 0) scheduleIdle();
    });
    w.on('error', (error) => failAll(error));
    w.on('exit', () => {
      if (worker === w) failAll(new Error('MJML worker exited'));
    });
    return w;
  }

  function scheduleIdle() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (pending.size > 0 || !worker) return;
      const w = worker;
      worker = undefined;
      void w.terminate();
    }, idleMs);
    idleTimer.unref();
  }

  return (mjml) =>
    new Promise<string>((resolve, reject) => {
      clearTimeout(idleTimer);
      worker ??= start();
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, mjml });
    });
}
