import { connect } from 'cloudflare:sockets';
import type { ExecutionContext } from 'hono';
import { createApp } from './app.js';
import { ConfigError } from './config.js';
import { createWorker } from './jobs/worker.js';
import { bindingVars, type WorkerBindings, type WorkMessage } from './workers/bindings.js';
import { runPassWithHeartbeat } from './workers/run-pass.js';
import { workersConfig } from './workers/workers-config.js';
import { createWorkersDeps, type WorkersDeps } from './workers/workers-deps.js';
import { workersEdges } from './workers/workers-edges.js';

interface MessageBatch<T> {
  readonly messages: readonly { readonly body: T; ack(): void }[];
  ackAll(): void;
  retryAll(options?: { delaySeconds?: number }): void;
}

interface Isolate {
  env: WorkerBindings;
  deps: WorkersDeps;
  app: ReturnType<typeof createApp>;
}

// One per isolate: building the app per request cost ~5 ms. A different env object (tests, a new
// deployment) builds anew.
let isolate: Isolate | undefined;

function built(env: WorkerBindings): Isolate {
  if (isolate?.env === env) return isolate;
  const config = workersConfig(bindingVars(env));
  const deps = createWorkersDeps(env, config, workersEdges(env, connect));
  const app = createApp(deps, { remoteAddress: (c) => c.req.header('cf-connecting-ip') });
  return (isolate = { env, deps, app });
}

/**
 * One pass, then, if it found work, a message to come back for the rest: a pass is bounded in
 * time, and a large send is finished by a chain of consumer invocations. The ledger is in D1, so
 * a lost, repeated or late message changes nothing but when mail goes out: claims keep two
 * passes from sending the same delivery, and the cron trigger restarts a chain that broke.
 */
async function work(env: WorkerBindings): Promise<void> {
  const { deps } = built(env);
  // Each invocation is one worker in the workers table, with connections of its own: a Workers
  // socket cannot be used by another invocation.
  const mailer = deps.newMailer();
  const worker = createWorker({ ...deps, mailer }, { host: 'workers', pid: Math.floor(Math.random() * 2 ** 31) });
  try {
    const handled = await runPassWithHeartbeat(worker, (error) =>
      deps.logger.error('worker.heartbeat_failed', { error: error instanceof Error ? error.message : String(error) }),
    );
    if (handled > 0) deps.wakeWorker();
  } finally {
    await Promise.all([mailer.close(), worker.presence.leave()]);
  }
  await deps.wakeChannel.sent();
}

function configProblem(error: unknown): Response | undefined {
  if (!(error instanceof ConfigError)) return undefined;
  console.error(error.message);
  return new Response(`${error.message}\n`, { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

export default {
  async fetch(request: Request, env: WorkerBindings, ctx: ExecutionContext): Promise<Response> {
    let current: Isolate;
    try {
      current = built(env);
    } catch (error) {
      const response = configProblem(error);
      if (response) return response;
      throw error;
    }
    const response = await current.app.fetch(request, env, ctx);
    ctx.waitUntil(current.deps.wakeChannel.sent());
    return response;
  },

  async queue(batch: MessageBatch<WorkMessage>, env: WorkerBindings): Promise<void> {
    // However many messages arrived, one pass serves them all.
    await work(env);
    batch.ackAll();
  },

  async scheduled(_controller: unknown, env: WorkerBindings, ctx: ExecutionContext): Promise<void> {
    // Publishes due posts, retries due deliveries, frees expired claims: and restarts the chain.
    ctx.waitUntil(work(env));
  },
};
