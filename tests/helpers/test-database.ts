import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';

/**
 * Which database the suite runs on: `TEST_DATABASE=postgres` (the `postgres` vitest project)
 * puts every test on the PostgreSQL at TEST_POSTGRES_URL, each in a fresh schema; otherwise
 * each test has its own SQLite file under its DATA_DIR.
 */
export const onPostgres = process.env.TEST_DATABASE === 'postgres';

export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Set once per run in vitest.config.ts: the run's schemas share it, and teardown drops them. */
export const RUN_ID = process.env.BROADSHEET_TEST_RUN ?? 'adhoc';

export const schemaPrefix = (run: string) => `bs_t_${run}_`;

export function psql(url: string, command: string): string {
  try {
    return execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qAtc', command], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(`PostgreSQL at ${url} is needed by the postgres test project and did not answer: ${stderr.trim()}`);
  }
}

/** A URL for a schema of its own on the test PostgreSQL, created if it is not there yet. */
export function postgresUrlFor(key: string): string {
  const schema = schemaPrefix(RUN_ID) + createHash('sha256').update(key).digest('hex').slice(0, 16);
  psql(POSTGRES_URL, `create schema if not exists ${schema}`);
  return withSearchPath(POSTGRES_URL, schema);
}

export function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/**
 * The DATABASE_URL for a test whose files live in `dataDir`: on PostgreSQL a schema named after
 * the directory (so every process a test starts on that directory shares it), on SQLite nothing,
 * so the product's default file under DATA_DIR is used.
 */
export function testDatabaseEnv(env: Record<string, string | undefined>): { DATABASE_URL?: string } {
  return onPostgres && env.DATA_DIR && !env.DATABASE_URL ? { DATABASE_URL: postgresUrlFor(env.DATA_DIR) } : {};
}

/** `env` with the DATABASE_URL of the database under test added (see testDatabaseEnv). */
export const withTestDatabase = <T extends Record<string, string | undefined>>(env: T): T & { DATABASE_URL?: string } => ({ ...env, ...testDatabaseEnv(env) });
