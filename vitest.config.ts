import { randomBytes } from 'node:crypto';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// One id per run, inherited by every test fork: the postgres project's schemas carry it, so
// runs side by side never drop each other's.
process.env.BROADSHEET_TEST_RUN ??= randomBytes(4).toString('hex');

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests bind real SMTP servers and SQLite files; two cores do best with few forks.
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'sqlite', include: ['src/**/*.test.ts', 'tests/**/*.test.ts'], exclude: ['tests/workers/**'], env: { TEST_DATABASE: 'sqlite' } },
      },
      {
        // The same suite against PostgreSQL (unit tests under src/ touch no database).
        extends: true,
        test: { name: 'postgres', include: ['tests/**/*.test.ts'], exclude: ['tests/workers/**'], env: { TEST_DATABASE: 'postgres' }, globalSetup: ['tests/helpers/postgres-setup.ts'] },
      },
      {
        // src/worker.ts inside workerd (miniflare), over local D1 and Queues, mailing a Node SMTP server.
        plugins: [
          cloudflareTest(async ({ inject }) => ({
            main: './src/worker.ts',
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations('migrations/d1'),
                SINK_URL: inject('sinkUrl'),
                SMTP_URL: inject('smtpUrl'),
                SECRET: 'workers-test-secret-0123456789abcdef',
                ADMIN_API_KEY: 'workers-test-admin-key',
                PUBLIC_URL: 'https://news.example.com',
                MAIL_FROM: 'Allycaral <news@example.com>',
                LOG_LEVEL: 'warn',
                // The global setup made the key and judges signatures with its public half.
                DKIM_DOMAIN: 'example.com',
                DKIM_SELECTOR: 'workers',
                DKIM_PRIVATE_KEY: inject('dkimPrivateKey'),
              },
            },
          })),
        ],
        test: {
          name: 'workers',
          include: ['tests/workers/**/*.test.ts'],
          globalSetup: ['tests/helpers/workers-global-setup.ts'],
          testTimeout: 60_000,
          // One SMTP sink and one local D1 for the whole project: files take turns.
          fileParallelism: false,
          // CommonJS packages are bundled first, as wrangler's esbuild does for a deploy; the
          // module runner's own CommonJS shim cannot resolve postcss's nested requires.
          deps: { optimizer: { ssr: { enabled: true, include: ['sanitize-html', 'validator/lib/isEmail.js', 'validator/lib/isFQDN.js', 'html-to-text'] } } },
        },
      },
    ],
  },
});
