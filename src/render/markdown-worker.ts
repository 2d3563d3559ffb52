import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Invalid, Unprocessable } from '../errors.js';
import type { MarkdownRenderer } from '../posts/markdown-renderer.js';

export interface MarkdownWorkerOptions {
  /** How long one body may take to render before it is refused. */
  deadlineMs?: number;
  /** The worker ends after this long without work (it holds marked and sanitize-html, ~20 MB). */
  idleMs?: number;
}

// Evaluated as CommonJS inside the worker thread. It loads the same `renderMarkdown` as the rest
// of the app; under tsx or vitest that module is TypeScript, which tsx's scoped import compiles.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const loaded = workerData.tsx
  ? import(workerData.tsx).then((tsx) => tsx.tsImport(workerData.module, workerData.module))
  : import(workerData.module);
// A failure to load is thrown here and ends the worker with an 'error' event.
loaded.then(({ renderMarkdown }) => {
  parentPort.on('message', ({ id, source }) => {
    try {
      parentPort.postMessage({ id, html: renderMarkdown(source) });
    } catch (error) {
      parentPort.postMessage({ id, error: { name: error && error.name, message: String(error && error.message) } });
    }
  });
  parentPort.postMessage({ ready: true });
});
`;

interface Job {
  source: string;
  resolve: (html: string) => void;
  reject: (error: Error) => void;
}

/**
 * Renders post bodies in a worker thread, one at a time, so that however long a body takes the
 * event loop keeps serving subscribes and sends. A body still rendering after `deadlineMs` is
 * refused (422) and its worker terminated, since a parse cannot be interrupted; the next body gets
 * a fresh one. The worker's heap is capped too, so a body cannot exhaust the server's memory.
 */
export function createMarkdownWorker(options: MarkdownWorkerOptions = {}): MarkdownRenderer {
  const deadlineMs = options.deadlineMs ?? 5000;
  // Short: a live worker is a second V8 heap (~25 MB resident), and editors save seconds apart,
  // so it should be gone before the send a publish starts reaches its peak.
  const idleMs = options.idleMs ?? 1000;
  const workerData = workerModules();
  const queue: Job[] = [];
  let worker: Worker | undefined;
  let ready = false;
  let running: (Job & { timer: NodeJS.Timeout }) | undefined;
  let idleTimer: NodeJS.Timeout | undefined;

  function start(): Worker {
    const w = new Worker(WORKER, { eval: true, workerData, resourceLimits: { maxOldGenerationSizeMb: 256 } });
    ready = false;
    // A terminated worker can still deliver a message; only the current one speaks for `running`.
    w.on('message', (message: { ready?: true; html?: string; error?: { name: string; message: string } }) => {
      if (worker !== w) return;
      if (message.ready) {
        ready = true;
        return next();
      }
      const job = finish();
      if (!job) return;
      if (message.error === undefined) job.resolve(message.html!);
      else job.reject(message.error.name === 'Invalid' ? new Invalid(message.error.message) : new Error(`Markdown: ${message.error.message}`));
      next();
    });
    w.on('error', (error) => {
      if (worker !== w) return;
      const job = finish();
      drop(w);
      if (job) job.reject((error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY' ? tooCostly() : error);
      // It could not even load: whatever waits would wait for nothing.
      else for (const waiting of queue.splice(0)) waiting.reject(error);
      next();
    });
    w.on('exit', () => {
      if (worker !== w) return;
      const job = finish();
      drop(w);
      job?.reject(new Error('Markdown worker exited'));
      next();
    });
    return w;
  }

  function drop(w: Worker) {
    if (worker === w) worker = undefined;
    void w.terminate();
  }

  function finish(): Job | undefined {
    const job = running;
    if (job) clearTimeout(job.timer);
    running = undefined;
    return job;
  }

  function next() {
    if (running) return;
    const job = queue.shift();
    if (!job) return idle();
    clearTimeout(idleTimer);
    if (!worker) {
      worker = start();
      worker.unref();
    }
    worker.ref();
    if (!ready) {
      queue.unshift(job);
      return;
    }
    const w = worker;
    // The clock starts once the worker is loaded: a cold start is not the body's fault.
    const timer = setTimeout(() => {
      finish();
      drop(w);
      job.reject(tooCostly());
      next();
    }, deadlineMs);
    running = { ...job, timer };
    w.postMessage({ source: job.source });
  }

  function idle() {
    worker?.unref();
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (running || queue.length > 0 || !worker) return;
      drop(worker);
    }, idleMs);
    idleTimer.unref();
  }

  const tooCostly = () =>
    new Unprocessable(`body: could not be rendered within ${deadlineMs / 1000} s (its Markdown is pathological to parse, e.g. thousands of unclosed emphasis marks); nothing was saved`);

  return (source) =>
    new Promise<string>((resolve, reject) => {
      queue.push({ source, resolve, reject });
      next();
    });
}

// This file runs as .ts under tsx and vitest, and as .js once built; the renderer sits beside it.
function workerModules(): { module: string; tsx?: string } {
  const typescript = import.meta.url.endsWith('.ts');
  const module = new URL(`../posts/render-markdown.${typescript ? 'ts' : 'js'}`, import.meta.url).href;
  if (!typescript) return { module };
  // tsx's CommonJS entry of this API cannot be required from an eval'd worker; its ES module entry
  // sits beside it.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  return { module, tsx };
}
