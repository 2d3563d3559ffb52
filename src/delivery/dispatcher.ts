import { afterFailure, type FailureOutcome } from '../mail/failure-policy.js';
import { MailError, toMailError, type Mailer } from '../mail/mailer.js';
import { createTurnstile } from '../jobs/turnstile.js';

/** One message ready for SMTP: the envelope and the complete MIME bytes. */
export interface BuiltMessage {
  envelope: { from: string; to: string };
  raw: string;
}

/** What became of one attempt: handed over, or what the failure policy decided. */
export type AttemptOutcome = { status: 'sent' } | FailureOutcome;

export interface RetryPolicy {
  maxAttempts: number;
  retryDelayMs: number;
  now: () => Date;
}

export interface Dispatcher {
  /**
   * Starts one attempt as soon as a lane is free and the rate allows, and resolves once it has
   * started. `build` runs in a turn of its own; if it throws, the message can never be built and
   * the attempt fails for good. `done` receives the outcome (and the failure, if any).
   */
  dispatch(build: () => BuiltMessage, attempts: number, done: (outcome: AttemptOutcome, failure?: MailError) => void): Promise<void>;
  /** Waits until every attempt started has finished. */
  settle(): Promise<void>;
}

/**
 * The one delivery engine under mailings and transactional mail: bounded concurrency over the
 * pooled transport, an optional pace, one event-loop turn per message built (so a burst of
 * background mail never holds HTTP requests up), and the same failure policy for everything.
 */
export function createDispatcher(options: { mailer: Mailer; maxInFlight: number; pacer: { wait(): Promise<void> }; policy: RetryPolicy }): Dispatcher {
  const inflight = new Set<Promise<void>>();
  const nextTurn = createTurnstile();
  const { policy } = options;

  async function attempt(build: () => BuiltMessage, attempts: number): Promise<{ outcome: AttemptOutcome; failure?: MailError }> {
    await nextTurn();
    let message: BuiltMessage;
    try {
      message = build();
    } catch (error) {
      // A value that cannot become a header, say: no retry helps.
      const failure = new MailError(`Cannot build the message: ${error instanceof Error ? error.message : String(error)}`, 'message');
      return { outcome: afterFailure(failure, attempts, { ...policy, now: policy.now() }), failure };
    }
    try {
      await options.mailer.sendRaw(message.envelope, message.raw);
      return { outcome: { status: 'sent' } };
    } catch (error) {
      const failure = toMailError(error);
      return { outcome: afterFailure(failure, attempts, { ...policy, now: policy.now() }), failure };
    }
  }

  return {
    async dispatch(build, attempts, done) {
      while (inflight.size >= options.maxInFlight) await Promise.race(inflight);
      await options.pacer.wait();
      const p: Promise<void> = attempt(build, attempts)
        .then(({ outcome, failure }) => done(outcome, failure))
        .finally(() => inflight.delete(p));
      inflight.add(p);
    },
    async settle() {
      await Promise.allSettled(inflight);
    },
  };
}
