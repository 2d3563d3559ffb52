import type { Clock } from '../clock.js';
import type { RateLimit } from '../config.js';

export interface RateLimiter {
  /** Counts one event for `key`; returns 0 if allowed, else the seconds until it would be. */
  take(key: string): number;
  /** Counts nothing; returns 0 if `key` has not used up its budget, else the seconds until it is renewed. */
  exhausted(key: string): number;
}

/**
 * Fixed-window counter per key, in memory: it guards one process. Used for wrong admin keys,
 * where a budget per instance is enough: keys carry 192 random bits, so N instances' budgets
 * together still bound guessing to nothing, and the brake is for each instance's log and CPU.
 * Keeping it here spares every admin request a database read. The subscribe limit, which a
 * balancer must not multiply, is shared through the database (shared-rate-limiter.ts).
 */
export function createRateLimiter(limit: RateLimit, clock: Clock): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = 0;
  const current = (key: string, now: number) => {
    const window = windows.get(key);
    return window && now - window.start < limit.windowMs ? window : undefined;
  };
  const secondsLeft = (window: { start: number }, now: number) => Math.ceil((window.start + limit.windowMs - now) / 1000);
  return {
    take(key) {
      if (limit.count === 0) return 0;
      const now = clock.now().getTime();
      // Sweeping is a full scan: at most once a second, however many keys an attacker invents.
      if (windows.size > 50_000 && now - lastSweep > 1000) {
        lastSweep = now;
        for (const [k, w] of windows) if (now - w.start >= limit.windowMs) windows.delete(k);
      }
      let window = current(key, now);
      if (!window) {
        window = { start: now, count: 0 };
        windows.set(key, window);
      }
      window.count += 1;
      return window.count > limit.count ? secondsLeft(window, now) : 0;
    },
    exhausted(key) {
      if (limit.count === 0) return 0;
      const now = clock.now().getTime();
      const window = current(key, now);
      return window && window.count >= limit.count ? secondsLeft(window, now) : 0;
    },
  };
}
