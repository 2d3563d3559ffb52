/** One message as the domain sees it; transports turn it into MIME. */
export interface OutgoingMail {
  from: { name: string; address: string };
  to: { name?: string; address: string };
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  /** Extra headers (List-Unsubscribe and friends). Values are never allowed to contain CR/LF. */
  headers?: Record<string, string>;
  messageId?: string;
}

export interface SentMail {
  messageId: string;
}

/** The only way mail leaves the process. Two transports: SMTP (nodemailer) and the outbox. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<SentMail>;
  /**
   * Sends a complete message that is already MIME-encoded (the mailing fast path, see
   * src/sending/mime-template.ts). DKIM, when configured, is applied by the transport.
   */
  sendRaw(envelope: { from: string; to: string }, raw: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Why a send failed, which decides what happens next:
 * - `recipient`: the server refused this address (5xx to RCPT TO): a hard bounce; the reader is
 *   marked bounced and never mailed again.
 * - `message`: this message can never be accepted (5xx after DATA, a header we refuse to write):
 *   the delivery fails for good, but the reader is not blamed.
 * - `transient`: anything else, including 5xx to AUTH, MAIL FROM or the greeting (our
 *   credentials, our sender or our IP, not the reader): retried with backoff.
 */
export type FailureKind = 'recipient' | 'message' | 'transient';

export class MailError extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
    readonly responseCode?: number,
  ) {
    super(message);
    this.name = 'MailError';
  }

  get permanent(): boolean {
    return this.kind !== 'transient';
  }
}

/** Classifies an error thrown by nodemailer (or anything else) into a MailError. */
export function toMailError(error: unknown): MailError {
  if (error instanceof MailError) return error;
  const e = error as { message?: string; responseCode?: number; command?: string; code?: string };
  const code = typeof e?.responseCode === 'number' ? e.responseCode : undefined;
  const refused = code !== undefined && code >= 500 && code < 600;
  const kind: FailureKind = refused && e.command === 'RCPT TO' ? 'recipient' : refused && e.command === 'DATA' ? 'message' : 'transient';
  return new MailError(e?.message ?? String(error), kind, code);
}

export function assertHeaderSafe(mail: OutgoingMail): void {
  const values = [mail.subject, mail.from.name, mail.from.address, mail.to.address, mail.to.name ?? '', mail.replyTo ?? ''];
  for (const value of [...values, ...Object.values(mail.headers ?? {})]) {
    if (/[\r\n]/.test(value)) throw new MailError('Header value contains a line break', 'message');
  }
}
