/**
 * The only way mail leaves the process: a complete message, already MIME-encoded by the one
 * message builder (src/mail/mime-template.ts), handed over for one envelope. DKIM, when
 * configured, is applied by the transport. Transports: SMTP through nodemailer (Node), SMTP
 * over an injected socket (Workers), Amazon SES over HTTPS (both), and the outbox (Node).
 */
export interface Mailer {
  sendRaw(envelope: { from: string; to: string }, raw: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Why a send failed, which decides what happens next (see failure-policy.ts for how SMTP
 * answers map onto these):
 * - `recipient`: the server says this address does not exist (RFC 3463 5.1.x, 5.2.1): a hard
 *   bounce; the reader is marked bounced and never mailed again.
 * - `sender`: refused for reasons of ours, not the reader's: policy, security, system or network
 *   (5.7.x, 5.3.x, 5.4.x), or the whole transaction (greeting, AUTH, MAIL FROM). Retried; many in
 *   a row pause a send.
 * - `message`: this message can never be accepted (5xx after DATA, a header we refuse to write):
 *   the delivery fails for good, but the reader is not blamed.
 * - `transient`: a 4xx or a connection lost before the whole message was handed over: retried.
 * - `unknown`: the connection was lost after the whole message (and its final dot) was handed
 *   over: the server may have it, so it is never sent again.
 */
export type FailureKind = 'recipient' | 'sender' | 'message' | 'transient' | 'unknown';

export class MailError extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
    readonly responseCode?: number,
    /** RFC 3463 enhanced status code from the reply, e.g. `5.7.1`. */
    readonly enhancedCode?: string,
  ) {
    super(message);
    this.name = 'MailError';
  }

  /** What makes two refusals "the same way", e.g. `554 5.7.1`. */
  get signature(): string {
    return [this.responseCode, this.enhancedCode].filter(Boolean).join(' ') || this.kind;
  }
}

/** Anything a transport threw that is not already classified: worth another try. */
export function toMailError(error: unknown): MailError {
  if (error instanceof MailError) return error;
  return new MailError(error instanceof Error ? error.message : String(error), 'transient');
}
