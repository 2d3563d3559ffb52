/**
 * Exponential backoff with ±20 % jitter, so a mail server that comes back is not hit by every
 * retry at the same instant. `attempt` counts from 1.
 */
export function backoffMs(baseMs: number, attempt: number, random: () => number = Math.random): number {
  const MAX_MS = 6 * 3_600_000;
  const exponential = Math.min(MAX_MS, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential * (0.8 + 0.4 * random()));
}
