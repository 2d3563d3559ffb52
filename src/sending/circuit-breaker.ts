import type { MailError } from '../mail/mailer.js';

/**
 * How many recipients in a row refused the same sender-side way pause a send. A relay that
 * refuses to relay (`554 5.7.1`), a blocklisted IP or wrong credentials refuse everyone alike;
 * going on would only spend the list's attempts, and it takes a person to fix.
 */
export const BREAKER_THRESHOLD = 20;

export interface CircuitBreaker {
  /**
   * Takes each outcome in the order it completes (`undefined` for a success); returns the
   * reason to pause once the threshold is reached.
   */
  record(failure: MailError | undefined): string | undefined;
}

export function createCircuitBreaker(threshold = BREAKER_THRESHOLD): CircuitBreaker {
  let signature: string | undefined;
  let count = 0;
  return {
    record(failure) {
      // Anything else (a success, a dead address, a 4xx) breaks the run.
      if (failure?.kind !== 'sender') {
        signature = undefined;
        count = 0;
        return undefined;
      }
      count = failure.signature === signature ? count + 1 : 1;
      signature = failure.signature;
      return count >= threshold ? `${count} recipients in a row refused by the mail server (${failure.signature}): ${failure.message}` : undefined;
    },
  };
}
