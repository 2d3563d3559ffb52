import { addMs, iso } from '../clock.js';
import { backoffMs } from '../jobs/backoff.js';
import type { MailError } from './mailer.js';

export type FailureOutcome = { status: 'bounced'; error: string } | { status: 'failed'; error: string } | { status: 'retry'; at: string; error: string };

/**
 * What to do after a failed attempt, the same for mailings and transactional mail: a refused
 * address bounces, an unacceptable message fails, anything else is retried with backoff until
 * `maxAttempts`.
 */
export function afterFailure(failure: MailError, attempts: number, options: { maxAttempts: number; retryDelayMs: number; now: Date }): FailureOutcome {
  if (failure.kind === 'recipient') return { status: 'bounced', error: failure.message };
  if (failure.kind === 'message' || attempts >= options.maxAttempts) return { status: 'failed', error: failure.message };
  return { status: 'retry', at: iso(addMs(options.now, backoffMs(options.retryDelayMs, attempts))), error: failure.message };
}
