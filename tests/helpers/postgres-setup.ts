import { POSTGRES_URL, psql, schemaPrefix } from './test-database.js';

/**
 * Global setup of the postgres project: fails the run at once, with the reason, when the
 * PostgreSQL it needs is not there (never a silent skip), and drops this run's schemas after.
 * Schemas are only dropped here, never during the run: Kysely's migrator reads the catalog of
 * every schema, and one dropped under it fails another test's migration.
 */
export function setup(): () => void {
  psql(POSTGRES_URL, 'select 1');
  const run = process.env.BROADSHEET_TEST_RUN!;
  return () => {
    const schemas = psql(POSTGRES_URL, `select nspname from pg_namespace where nspname like '${schemaPrefix(run)}%'`).split('\n').filter(Boolean);
    for (let i = 0; i < schemas.length; i += 50) {
      psql(POSTGRES_URL, schemas.slice(i, i + 50).map((s) => `drop schema if exists ${s} cascade;`).join(' '));
    }
  };
}
