import { importDist } from './dist.js';
import { onCleanup } from './lifecycle.js';

type Runtime = typeof import('../../src/runtime.js');
type App = typeof import('../../src/app.js');
type ConfigModule = typeof import('../../src/config.js');
type LogModule = typeof import('../../src/log.js');

export const ADMIN_KEY = 'bench-admin-key-0123456789abcdef';

/** The environment every process of one bench run shares (the in-process app and its workers). */
export function productEnv(options: { dataDir: string; databaseUrl: string; smtpUrl: string }): Record<string, string> {
  return {
    DATA_DIR: options.dataDir,
    DATABASE_URL: options.databaseUrl,
    SMTP_URL: options.smtpUrl,
    MAIL_FROM: 'Allycaral <newsletter@bench.example.com>',
    PUBLICATION_NAME: 'Allycaral',
    PUBLIC_URL: 'https://allycaral.example.com',
    SECRET: 'bench-secret-0123456789abcdef0123456789abcdef',
    ADMIN_API_KEY: ADMIN_KEY,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    SEND_CONCURRENCY: '8',
    SEND_RATE_PER_SECOND: '0',
    WORKER_POLL_MS: '200',
  };
}

export type Product = Awaited<ReturnType<typeof openProduct>>;

/**
 * The built app in this process (createNodeDeps + createApp from dist/, which also migrates the
 * database), without its worker: the bench calls the admin API through `app.request` and leaves
 * sending to `broadsheet worker` processes.
 */
export async function openProduct(env: Record<string, string>) {
  const [{ createNodeDeps }, { createApp }, { loadConfig }, { createLogger }] = await Promise.all([
    importDist<Runtime>('src/runtime.js'),
    importDist<App>('src/app.js'),
    importDist<ConfigModule>('src/config.js'),
    importDist<LogModule>('src/log.js'),
  ]);
  const config = loadConfig(env);
  const deps = await createNodeDeps(config, createLogger(config.logLevel));
  onCleanup(async () => {
    await deps.mailer.close();
    await deps.db.destroy();
  });
  const app = createApp(deps);
  async function api<T>(method: string, path: string, body?: unknown, expect = [200, 201, 202]): Promise<T> {
    const res = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!expect.includes(res.status)) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  }
  return { deps, db: deps.db, api };
}
