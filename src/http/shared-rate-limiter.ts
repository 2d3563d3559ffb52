import { sql } from 'kysely';
import type { Clock } from '../clock.js';
import type { RateLimit } from '../config.js';
import type { GroupCommit } from '../db/group-commit.js';

export interface SharedRateLimiter {
  /** Counts one event for `key`; resolves to 0 if allowed, else the seconds until it would be. */
  take(key: string): Promise<number>;
}

/**
 * Fixed-window counter per key in the database, so every instance on it shares one budget per
 * client. Each hit is one upsert that restarts a stale window or adds one to the live one and
 * returns the count: the database orders concurrent hits, so two instances cannot both pass the
 * last slot. The upsert rides the request path's group commit, so hits arriving together cost
 * one commit. Stale windows are deleted at most once a window per instance, in the same commit.
 */
export function createSharedRateLimiter(deps: { groupCommit: GroupCommit; clock: Clock; config: { secret: string } }, scope: string, limit: RateLimit): SharedRateLimiter {
  let lastSweep = 0;
  // Keys are client addresses, personal data: the table holds an HMAC of each under the
  // deployment's secret (a plain hash of an IPv4 address is undone by trying all 2^32).
  const hmacKey = crypto.subtle.importKey('raw', new TextEncoder().encode(deps.config.secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const digest = async (clientKey: string) => {
    const mac = await crypto.subtle.sign('HMAC', await hmacKey, new TextEncoder().encode(clientKey));
    return btoa(String.fromCharCode(...new Uint8Array(mac))).slice(0, 32);
  };
  return {
    async take(clientKey) {
      if (limit.count === 0) return 0;
      const key = await digest(clientKey);
      const now = deps.clock.now().getTime();
      const expired = now - limit.windowMs;
      const sweep = now - lastSweep >= limit.windowMs;
      if (sweep) lastSweep = now;
      const window = await deps.groupCommit.run(async (trx) => {
        if (sweep) await trx.deleteFrom('rate_limit_windows').where('scope', '=', scope).where('window_start_ms', '<=', expired).execute();
        // Every SET expression reads the row as it was before the update. Written as SQL
        // fragments: on this path Kysely's expression builder cost about twice as much to build.
        const stale = sql<boolean>`${sql.ref('rate_limit_windows.window_start_ms')} <= ${expired}`;
        return trx
          .insertInto('rate_limit_windows')
          .values({ scope, key, window_start_ms: now, count: 1 })
          .onConflict((oc) =>
            oc.columns(['scope', 'key']).doUpdateSet({
              count: sql<number>`case when ${stale} then 1 else ${sql.ref('rate_limit_windows.count')} + 1 end`,
              window_start_ms: sql<number>`case when ${stale} then ${now} else ${sql.ref('rate_limit_windows.window_start_ms')} end`,
            }),
          )
          .returning(['count', 'window_start_ms'])
          .executeTakeFirstOrThrow();
      });
      return window.count > limit.count ? Math.max(1, Math.ceil((window.window_start_ms + limit.windowMs - now) / 1000)) : 0;
    },
  };
}
