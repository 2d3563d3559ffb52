import type { Kysely } from 'kysely';

/**
 * Each flush of delivery outcomes stamps the rows it changed with a random id of its own, so the
 * statement that moves the send's counters, in the same batch, counts exactly those rows. D1 has
 * no transaction in which to add up the UPDATEs' affected-row counts in code.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deliveries').addColumn('outcome_batch', 'text').execute();
}
