import { iso } from '../clock.js';
import type { Db, SuppressionKind, SuppressionReason } from '../db/database.js';
import type { Deps } from '../deps.js';
import { NotFound } from '../errors.js';
import { parseSuppressionValue, type SuppressionValue } from './suppression-value.js';

export interface Suppression {
  id: number;
  kind: SuppressionKind;
  /** Null when only the hash is kept, because the person was erased. */
  value: string | null;
  hash: string;
  reason: SuppressionReason;
  created_at: string;
}

const COLUMNS = ['id', 'kind', 'value', 'value_hash as hash', 'reason', 'created_at'] as const;

export interface SuppressionQuery {
  kind?: SuppressionKind | undefined;
  /** An address or domain: found by hash, so erased entries answer too. */
  value?: string | undefined;
  limit: number;
  /** The id of the last entry of the previous page. */
  cursor?: number | undefined;
}

/** Newest first, paged by id. */
export async function listSuppressions(
  deps: Pick<Deps, 'db'>,
  query: SuppressionQuery,
): Promise<{ suppressions: Suppression[]; next_cursor: number | null }> {
  let qb = deps.db.selectFrom('suppressions').select(COLUMNS).orderBy('id', 'desc').limit(query.limit + 1);
  if (query.kind) qb = qb.where('kind', '=', query.kind);
  if (query.value !== undefined) {
    const wanted = parseSuppressionValue(query.value);
    qb = qb.where('kind', '=', wanted.kind).where('value_hash', '=', wanted.hash);
  }
  if (query.cursor !== undefined) qb = qb.where('id', '<', query.cursor);
  const rows = await qb.execute();
  const page = rows.slice(0, query.limit);
  return { suppressions: page, next_cursor: rows.length > query.limit ? page[page.length - 1]!.id : null };
}

/**
 * Puts an address or a domain on the list. Idempotent: an entry already there is returned as is
 * (`created: false`), and an erased entry keeps only its hash.
 */
export async function addSuppression(
  deps: Pick<Deps, 'db' | 'clock'>,
  input: { value: string; reason?: SuppressionReason },
): Promise<{ suppression: Suppression; created: boolean }> {
  const entry = parseSuppressionValue(input.value);
  const inserted = await insertSuppression(deps.db, entry, input.reason ?? 'manual', iso(deps.clock.now()));
  const suppression = await deps.db
    .selectFrom('suppressions')
    .select(COLUMNS)
    .where('kind', '=', entry.kind)
    .where('value_hash', '=', entry.hash)
    .executeTakeFirstOrThrow();
  return { suppression, created: inserted };
}

/** Inserts an entry unless one with the same hash exists; true when it was new. Works inside a transaction. */
export async function insertSuppression(db: Db, entry: SuppressionValue, reason: SuppressionReason, now: string): Promise<boolean> {
  const row = await db
    .insertInto('suppressions')
    .values({ kind: entry.kind, value: entry.value, value_hash: entry.hash, reason, created_at: now })
    .onConflict((oc) => oc.columns(['kind', 'value_hash']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Takes an entry off the list: the address or domain may be mailed again. */
export async function removeSuppression(deps: Pick<Deps, 'db'>, id: number): Promise<Suppression> {
  const row = await deps.db.deleteFrom('suppressions').where('id', '=', id).returning(COLUMNS).executeTakeFirst();
  if (!row) throw new NotFound(`No suppression with id ${id}`);
  return row;
}

