import { addMs, iso } from '../clock.js';
import { backoffMs } from '../jobs/backoff.js';
import { MailError, type FailureKind } from './mailer.js';

export type FailureOutcome =
  | { status: 'bounced'; error: string }
  | { status: 'failed'; error: string }
  | { status: 'unknown'; error: string }
  | { status: 'retry'; at: string; error: string };

/** What nodemailer puts on the errors it throws (the parts we read). */
interface SmtpErrorFields {
  message?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

/**
 * Classifies an SMTP failure. `handedOver` says whether the whole message, final dot included,
 * had been handed to the connection: a connection lost after that may well have delivered it.
 *
 * Refusals are read by their RFC 3463 enhanced status code first, because the basic code says
 * little: relays answer `554 5.7.1 Relay access denied` to every RCPT when our credentials or IP
 * are wrong, and blaming the reader for it would bounce the whole list.
 */
export function classifySmtpFailure(error: unknown, handedOver: boolean): MailError {
  if (error instanceof MailError) return error;
  const e = (error ?? {}) as SmtpErrorFields;
  const message = e.message ?? String(error);
  const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  if (code === undefined) return new MailError(message, handedOver ? 'unknown' : 'transient');
  const enhanced = enhancedCodeOf(e.response ?? message);
  return new MailError(message, refusalKind(code, enhanced, e.command), code, enhanced);
}

function refusalKind(code: number, enhanced: string | undefined, command: string | undefined): FailureKind {
  if (code < 500) return 'transient';
  if (command === 'RCPT TO') {
    if (enhanced) {
      if (/^5\.1\./.test(enhanced) || enhanced === '5.2.1') return 'recipient';
      if (/^5\.[347]\./.test(enhanced)) return 'sender';
      // Mailbox full, syntax, media and the like: not ours, yet no proof the address is dead.
      return 'message';
    }
    // No enhanced code: 550/551/553 are the classic "no such user / not local / bad mailbox".
    // 554 is "transaction failed", what relays without enhanced codes answer to a blocked client,
    // so it is never read as a dead address.
    return code === 550 || code === 551 || code === 553 ? 'recipient' : 'sender';
  }
  if (command === 'DATA') return enhanced && /^5\.[347]\./.test(enhanced) ? 'sender' : 'message';
  // The greeting, EHLO, AUTH or MAIL FROM: the whole transaction was refused.
  return 'sender';
}

/** The enhanced status code right after the basic code of an SMTP reply (`554 5.7.1 ...`). */
function enhancedCodeOf(reply: string): string | undefined {
  return /(?:^|\s)\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})(?=[\s,;]|$)/.exec(reply)?.[1];
}

/**
 * What to do after a failed attempt, the same for mailings and transactional mail: a dead
 * address bounces, an unacceptable message fails, a message that may have arrived is not sent
 * again, anything else is retried with backoff until `maxAttempts`.
 */
export function afterFailure(failure: MailError, attempts: number, options: { maxAttempts: number; retryDelayMs: number; now: Date }): FailureOutcome {
  if (failure.kind === 'recipient') return { status: 'bounced', error: failure.message };
  if (failure.kind === 'unknown') return { status: 'unknown', error: failure.message };
  if (failure.kind === 'message' || attempts >= options.maxAttempts) return { status: 'failed', error: failure.message };
  return { status: 'retry', at: iso(addMs(options.now, backoffMs(options.retryDelayMs, attempts))), error: failure.message };
}
