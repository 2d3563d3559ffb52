import type { MiddlewareHandler } from 'hono';
import type { RateLimit } from '../config.js';
import type { Deps } from '../deps.js';
import { RateLimited, Unauthorized } from '../errors.js';
import { authenticateApiKey } from '../keys/api-keys.js';
import { addressBucket } from './address-bucket.js';
import { createRateLimiter } from './rate-limiter.js';
import { clientIp, type RemoteAddress } from './request.js';

/** Wrong keys a client (an IPv4 address, an IPv6 /64) may present per window before it is refused. */
export const ADMIN_AUTH_FAILURES: RateLimit = { count: 10, windowMs: 60_000 };

/**
 * Guards /api/admin/*: `Authorization: Bearer <key>`, one answer for missing and wrong keys.
 * Each wrong key is logged with the caller's address (never the key). A client that used up
 * ADMIN_AUTH_FAILURES gets 429 without its key being checked, so guessing is bounded; refusing
 * rather than sleeping keeps an attacker from holding connections open. Other clients, and
 * this one's later windows, are unaffected.
 */
export function adminAuth(deps: Deps, remoteAddress?: RemoteAddress): MiddlewareHandler {
  const failures = createRateLimiter(ADMIN_AUTH_FAILURES, deps.clock);
  const refuse = (seconds: number) => new RateLimited('Too many failed authentication attempts; try again later.', seconds);
  return async (c, next) => {
    const ip = clientIp(c, deps.config.trustProxy, remoteAddress);
    const client = ip ? addressBucket(ip) : 'unknown';
    const blocked = failures.exhausted(client);
    if (blocked > 0) throw refuse(blocked);

    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    const valid = await authenticateApiKey(deps, match?.[1]);
    if (!valid) {
      // Requests that were checked in parallel before the budget ran out: the ones past it get
      // 429 too, so a burst learns no more than a sequence would.
      const over = failures.take(client);
      const refusedFor = failures.exhausted(client);
      deps.logger.warn('admin.auth_failed', { ip: ip ?? null, method: c.req.method, path: c.req.path, ...(refusedFor > 0 ? { refused_for_s: refusedFor } : {}) });
      if (over > 0) throw refuse(over);
      c.header('WWW-Authenticate', 'Bearer realm="broadsheet-admin"');
      throw new Unauthorized();
    }
    // A right key that raced the failures which used up this client's budget is not confirmed either.
    const raced = failures.exhausted(client);
    if (raced > 0) throw refuse(raced);
    await next();
  };
}
