import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { NotFound } from '../errors.js';

export interface ApiKeyInfo {
  id: number;
  name: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** Creates a key; the clear key is returned once here and never again. */
export async function createApiKey(deps: Pick<Deps, 'db' | 'clock'>, name: string): Promise<ApiKeyInfo & { key: string }> {
  const key = `bs_${randomBytes(24).toString('base64url')}`;
  const row = await deps.db
    .insertInto('api_keys')
    .values({ name, prefix: key.slice(0, 10), key_hash: hashKey(key), created_at: iso(deps.clock.now()) })
    .returning(['id', 'name', 'prefix', 'created_at', 'last_used_at', 'revoked_at'])
    .executeTakeFirstOrThrow();
  return { ...row, key };
}

export async function listApiKeys(deps: Pick<Deps, 'db'>): Promise<ApiKeyInfo[]> {
  return deps.db.selectFrom('api_keys').select(['id', 'name', 'prefix', 'created_at', 'last_used_at', 'revoked_at']).orderBy('id').execute();
}

export async function revokeApiKey(deps: Pick<Deps, 'db' | 'clock'>, id: number): Promise<ApiKeyInfo> {
  const row = await deps.db
    .updateTable('api_keys')
    .set({ revoked_at: iso(deps.clock.now()) })
    .where('id', '=', id)
    .returning(['id', 'name', 'prefix', 'created_at', 'last_used_at', 'revoked_at'])
    .executeTakeFirst();
  if (!row) throw new NotFound(`No API key with id ${id}`);
  return row;
}

const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Checks a presented key. Every path hashes the input and does one lookup, so a missing, a wrong
 * and a revoked key take the same time; the bootstrap key is compared in constant time.
 */
export async function authenticateApiKey(deps: Pick<Deps, 'db' | 'clock' | 'config'>, presented: string | undefined): Promise<boolean> {
  const hash = hashKey(presented ?? '');
  const bootstrap = deps.config.adminApiKey;
  const matchesBootstrap = bootstrap !== undefined && timingSafeEqual(Buffer.from(hash, 'hex'), createHash('sha256').update(bootstrap).digest());
  const row = await deps.db.selectFrom('api_keys').select(['id', 'last_used_at']).where('key_hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst();
  if (matchesBootstrap && presented) return true;
  if (!row || !presented) return false;
  // Recording every use would turn every admin read into a write; a minute's resolution is enough.
  const now = deps.clock.now();
  if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) > LAST_USED_RESOLUTION_MS) {
    await deps.db.updateTable('api_keys').set({ last_used_at: iso(now) }).where('id', '=', row.id).execute();
  }
  return true;
}
