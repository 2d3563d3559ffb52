import { nextTurn } from '../next-turn.js';

/**
 * Hands out event-loop turns one at a time: each caller resumes in a turn of its own, after the
 * I/O that arrived meanwhile (HTTP requests) has been handled. Background work that is CPU-heavy
 * in synchronous bursts, such as building a MIME message, takes one turn per burst, so it never
 * holds the loop for longer than one burst however many of them are in flight.
 */
export function createTurnstile(): () => Promise<void> {
  let last: Promise<void> = Promise.resolve();
  return () => (last = last.then(nextTurn));
}
