import { randomBytes } from 'node:crypto';
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
        test: { name: 'sqlite', include: ['src/**/*.test.ts', 'tests/**/*.test.ts'], env: { TEST_DATABASE: 'sqlite' } },
      },
      {
        // The same suite against PostgreSQL (unit tests under src/ touch no database).
        extends: true,
        test: { name: 'postgres', include: ['tests/**/*.test.ts'], env: { TEST_DATABASE: 'postgres' }, globalSetup: ['tests/helpers/postgres-setup.ts'] },
      },
    ],
  },
});
