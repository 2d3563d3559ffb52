import { withSearchPath, POSTGRES_URL, psql } from '../../tests/helpers/test-database.js';
import { onCleanup } from './lifecycle.js';

/** The bench PostgreSQL (BENCH_POSTGRES_URL, else the test one): trust auth on localhost. */
const BASE_URL = process.env.BENCH_POSTGRES_URL ?? POSTGRES_URL;

/**
 * A fresh schema for one bench run, dropped on the way out; the returned URL sets search_path so
 * that the product, which migrates whatever DATABASE_URL names, lands in it.
 */
export function benchSchema(name: string): string {
  const schema = `bs_bench_${name}_${process.pid}`;
  psql(BASE_URL, `drop schema if exists ${schema} cascade; create schema ${schema}`);
  const drop = () => void psql(BASE_URL, `drop schema if exists ${schema} cascade`);
  onCleanup(drop, drop);
  return withSearchPath(BASE_URL, schema);
}
