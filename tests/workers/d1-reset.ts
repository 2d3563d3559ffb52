import { applyD1Migrations, env, type D1Migration } from 'cloudflare:test';

interface TestEnv {
  DB: D1Database;
  TEST_MIGRATIONS: D1Migration[];
}
export const testEnv = env as unknown as TestEnv & Record<string, unknown>;

/**
 * Local D1 keeps its rows between tests (the pool no longer isolates storage): every table is
 * dropped and migrations/d1 applied again, as `wrangler d1 migrations apply` would.
 */
export async function resetD1(): Promise<void> {
  const { results } = await testEnv.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY rowid DESC",
  ).all<{ name: string }>();
  if (results.length > 0) {
    await testEnv.DB.batch([testEnv.DB.prepare('PRAGMA defer_foreign_keys = on'), ...results.map((r) => testEnv.DB.prepare(`DROP TABLE "${r.name}"`))]);
  }
  await applyD1Migrations(testEnv.DB, testEnv.TEST_MIGRATIONS);
}
