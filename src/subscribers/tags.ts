import { sql, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Database, Db } from '../db/database.js';
import { idIn } from '../db/id-list.js';
import { jsonRows } from '../db/json-rows.js';
import { Invalid } from '../errors.js';

export const MAX_TAGS = 50;
const TAG = /^[^\u0000-\u001f\u007f-\u009f,;]{1,50}$/u;

/**
 * Tags are lower-cased so that `VIP` and `vip` are one segment; they cannot hold the `,` or `;`
 * that separate them in a CSV cell.
 */
export function parseTag(input: string): string {
  const tag = input.trim().toLowerCase();
  if (!TAG.test(tag)) throw new Invalid(`tag "${input.slice(0, 60)}" must be 1-50 characters without commas, semicolons or control characters`);
  return tag;
}

export function parseTags(inputs: readonly string[]): string[] {
  const tags = [...new Set(inputs.map(parseTag))];
  if (tags.length > MAX_TAGS) throw new Invalid(`at most ${MAX_TAGS} tags per subscriber`);
  return tags;
}

/** A CSV cell such as `vip, press; 2024` (empty parts are ignored). */
export function parseTagList(cell: string): string[] {
  return parseTags(cell.split(/[,;]/).filter((t) => t.trim() !== ''));
}

/** Every tag of these subscribers, sorted. */
export async function tagsOf(db: Db, subscriberIds: readonly number[]): Promise<Map<number, string[]>> {
  const tags = new Map<number, string[]>(subscriberIds.map((id) => [id, []]));
  if (subscriberIds.length === 0) return tags;
  const rows = await db
    .selectFrom('subscriber_tags')
    .select(['subscriber_id', 'tag'])
    .where(idIn(db, 'subscriber_id', subscriberIds))
    .orderBy('tag')
    .execute();
  for (const row of rows) tags.get(row.subscriber_id)!.push(row.tag);
  return tags;
}

/** Adds tags to subscribers; tags they already have are left alone. Call inside a transaction. */
export async function addTags(db: Db, pairs: ReadonlyArray<{ subscriber_id: number; tag: string }>): Promise<void> {
  if (pairs.length === 0) return;
  // One statement for any number of pairs, read from one JSON parameter: D1 binds at most 100
  // values per statement, which a multi-row VALUES of two columns exceeds at 51 pairs.
  await db
    .insertInto('subscriber_tags')
    .columns(['subscriber_id', 'tag'])
    .expression(
      db
        .selectFrom(jsonRows(db, pairs, { subscriber_id: 'bigint', tag: 'text' }).as('p'))
        .select(['p.subscriber_id', 'p.tag'])
        // SQLite would read the ON of ON CONFLICT as a join constraint of the FROM without a WHERE.
        .where(sql<SqlBool>`true`),
    )
    .onConflict((oc) => oc.columns(['subscriber_id', 'tag']).doNothing())
    .execute();
}

/**
 * Gives these tags to the subscriber that `subscriber` (a query of at most one id) selects, if
 * any, as one unexecuted INSERT … SELECT; tags it has are left alone. The subscriber is chosen by
 * the statement itself, so it can follow the one that creates them in one atomicBatch.
 */
export function tagsFor(db: Db, subscriber: SelectQueryBuilder<Database, 'subscribers', { id: number }>, tags: readonly string[]) {
  return db
    .insertInto('subscriber_tags')
    .columns(['subscriber_id', 'tag'])
    .expression(
      db
        .selectFrom('subscribers')
        .innerJoin(jsonRows(db, tags.map((tag) => ({ tag })), { tag: 'text' }).as('t'), (join) => join.onTrue())
        .select(['subscribers.id', 't.tag'])
        .where('subscribers.id', 'in', subscriber),
    )
    .onConflict((oc) => oc.columns(['subscriber_id', 'tag']).doNothing());
}
