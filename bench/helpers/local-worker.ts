import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Kysely } from 'kysely';
import { Miniflare } from 'miniflare';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';
import { wrangler } from '../../scripts/wrangler.js';
import type { Database } from '../../src/db/database.js';
import { D1Dialect, type D1Like } from '../../src/db/d1-dialect.js';
import { ROOT } from '../../tests/helpers/server-process.js';
import { onCleanup } from './lifecycle.js';
import { ADMIN_KEY } from './product.js';

export type LocalWorker = Awaited<ReturnType<typeof startLocalWorker>>;

/**
 * The Worker as a deploy would ship it, run by Miniflare (the workerd that `wrangler dev` runs)
 * in this process, over a local D1 and local Queues, with its HTTP on a loopback port.
 *
 * Miniflare's API rather than a `wrangler dev` child: the bench gets the D1 binding itself
 * (`getD1Database`), so readers go in and deliveries are counted through the product's own D1
 * dialect, with no second wrangler process opening the same SQLite file while the Worker runs,
 * and `dispose()` stops workerd with nothing to hunt down afterwards. Nothing is configured twice:
 * bindings, queues, D1 and assets come from wrangler.toml (wrangler's
 * `unstable_getMiniflareWorkerOptions`), the script is the `wrangler deploy --dry-run` bundle
 * (scripts/build-worker-bundle.ts) and the schema is applied by `wrangler d1 migrations apply`.
 *
 * `vars` are added to (and override) wrangler.toml's [vars], as secrets would be. With `consume:
 * false` the queue has no consumer: publishing enqueues as usual but nothing sends, for benches
 * that time the publish alone. Needs dist/worker-assets (`npm run build:worker-assets`).
 */
export async function startLocalWorker(options: { work: string; vars: Record<string, string>; consume?: boolean }) {
  const bundle = join(options.work, 'worker-bundle');
  const persist = join(options.work, 'wrangler-state');
  // Both steps talk a lot: their output goes to a log, shown only when one fails, and a
  // bench's stdout keeps only its JSON lines.
  const log = join(options.work, 'local-worker.log');
  const fd = openSync(log, 'a');
  try {
    const stdio: ['ignore', number, number] = ['ignore', fd, fd];
    check('bundle', spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'build-worker-bundle.ts'), bundle], { cwd: ROOT, stdio }).status, log);
    // Same layout as `wrangler dev --persist-to`: the state lives under <dir>/v3.
    check('migrations', wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persist], { cwd: ROOT, stdio }), log);
  } finally {
    closeSync(fd);
  }

  const { workerOptions } = unstable_getMiniflareWorkerOptions(join(ROOT, 'wrangler.toml'));
  const mf = new Miniflare({
    ...workerOptions,
    ...(options.consume === false ? { queueConsumers: undefined } : {}),
    modules: true,
    scriptPath: join(bundle, 'worker.js'),
    // Module names are relative to this; workerd refuses a path that climbs out of it with '..'.
    modulesRoot: bundle,
    bindings: { ...(workerOptions.bindings as Record<string, string> | undefined), ...options.vars },
    defaultPersistRoot: join(persist, 'v3'),
    host: '127.0.0.1',
    port: 0,
    // workerd's own output (the Worker's log lines) to stderr, for the same reason.
    handleRuntimeStdio(stdout: Readable, stderr: Readable) {
      stdout.pipe(process.stderr);
      stderr.pipe(process.stderr);
    },
  });
  onCleanup(() => mf.dispose());
  const url = (await mf.ready).toString().replace(/\/$/, '');
  // Miniflare's D1Database, seen through the subset the product's dialect declares.
  const d1 = (await mf.getD1Database('DB')) as unknown as D1Like;
  const db = new Kysely<Database>({ dialect: new D1Dialect(d1) });

  /** The admin API over HTTP, as an operator's script would call it. */
  async function api<T>(method: string, path: string, body?: unknown, expect = [200, 201, 202]): Promise<T> {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!expect.includes(res.status)) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 2000)}`);
    return JSON.parse(text) as T;
  }
  return { url, d1, db, api };
}

function check(step: string, status: number | null, log: string): void {
  if (status !== 0) throw new Error(`local worker: ${step} exited with ${status}\n${readFileSync(log, 'utf8').slice(-4000)}`);
}

/** What a Worker needs of the bench's shared product environment: no DATA_DIR, no database URL. */
export function workerVars(env: Record<string, string>): Record<string, string> {
  const { DATA_DIR: _dataDir, DATABASE_URL: _databaseUrl, WORKER_POLL_MS: _poll, ...vars } = env;
  return vars;
}
