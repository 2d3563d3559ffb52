import { SqliteAdapter } from 'kysely';

/**
 * Kysely's adapter for D1: SQLite's in every way but its class, so that the domain can ask
 * `isD1(db)` (dialect.ts) for D1's limits without importing anything Workers-only.
 */
export class D1Adapter extends SqliteAdapter {}
