import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests bind real SMTP servers and SQLite files; two cores do best with few forks.
    pool: 'forks',
    maxWorkers: 2,
  },
});
