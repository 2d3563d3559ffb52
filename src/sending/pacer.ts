/** Hands out sending slots: `wait()` resolves when the caller may send one message. */
export interface Pacer {
  wait(): Promise<void>;
}

/** For SEND_RATE_PER_SECOND=0: every caller may send at once. */
export const unlimitedPacer: Pacer = { wait: async () => {} };
