/**
 * Spaces sends evenly to at most `perSecond` (SEND_RATE_PER_SECOND); 0 means unlimited.
 * Slots are handed out in order, so concurrent callers queue fairly without a busy loop.
 */
export function createPacer(perSecond: number): { wait(): Promise<void> } {
  if (perSecond <= 0) return { wait: async () => {} };
  const interval = 1000 / perSecond;
  let next = 0;
  return {
    wait() {
      const now = performance.now();
      const slot = Math.max(now, next);
      next = slot + interval;
      const delay = slot - now;
      return delay < 1 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, delay));
    },
  };
}
