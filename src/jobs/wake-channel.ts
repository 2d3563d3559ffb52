/**
 * How one process tells the workers of the others on the same database that work is queued.
 * Only a hint: the database stays the ledger, and every worker still polls, so a lost wake-up
 * delays mail by at most one poll and never loses it.
 */
export interface WakeChannel {
  /** Tells the other processes' workers; returns at once, and failures only cost a poll. */
  notify(): void;
  /** Calls `onWake` when another process notifies; resolves to a function that stops listening. */
  listen(onWake: () => void): Promise<() => Promise<void>>;
}

/**
 * For SQLite: no way to reach other processes, so they find new work at their next poll. The
 * process that queued it wakes its own worker. (On Workers the Queue carries wake-ups.)
 */
export const pollingOnly: WakeChannel = {
  notify() {},
  listen: async () => async () => {},
};
