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
 * A failed send. `permanent` means the receiving server refused this recipient (SMTP 5xx):
 * retrying cannot help and the address should be suppressed. Everything else is transient.
 */
export class MailError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly responseCode?: number,
  ) {
    super(message);
    this.name = 'MailError';
  }
}

/** Classifies an error thrown by nodemailer (or anything else) into a MailError. */
export function toMailError(error: unknown): MailError {
  if (error instanceof MailError) return error;
  const e = error as { message?: string; responseCode?: number; code?: string };
  const code = typeof e?.responseCode === 'number' ? e.responseCode : undefined;
  const permanent = code !== undefined && code >= 500 && code < 600;
  return new MailError(e?.message ?? String(error), permanent, code);
}

export function assertHeaderSafe(mail: OutgoingMail): void {
  const values = [mail.subject, mail.from.name, mail.from.address, mail.to.address, mail.to.name ?? '', mail.replyTo ?? ''];
  for (const value of [...values, ...Object.values(mail.headers ?? {})]) {
    if (/[\r\n]/.test(value)) throw new MailError('Header value contains a line break', true);
  }
}
