import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type { Logger } from '../log.js';
import { assertHeaderSafe, toMailError, type Mailer, type OutgoingMail } from './mailer.js';
import { toNodemailer } from './nodemailer-message.js';

export interface SmtpOptions {
  url: string;
  maxConnections?: number;
  logger?: Logger;
}

/** Sends through a pooled SMTP connection set (SMTP_URL). */
export function createSmtpMailer({ url, maxConnections = 5 }: SmtpOptions): Mailer {
  const transport = nodemailer.createTransport({
    url,
    pool: true,
    maxConnections,
    maxMessages: Infinity,
    disableFileAccess: true,
    disableUrlAccess: true,
  } satisfies SMTPPool.Options);
  return {
    async send(mail: OutgoingMail) {
      assertHeaderSafe(mail);
      try {
        const info = await transport.sendMail(toNodemailer(mail));
        return { messageId: info.messageId };
      } catch (error) {
        throw toMailError(error);
      }
    },
    async close() {
      transport.close();
    },
  };
}
