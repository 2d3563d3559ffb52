import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type { Logger } from '../log.js';
import { assertHeaderSafe, toMailError, type Mailer, type OutgoingMail } from './mailer.js';
import { buildMessage } from './nodemailer-message.js';
import { dkimPlugin } from './smtp-dkim.js';

export interface DkimOptions {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

export interface SmtpOptions {
  url: string;
  maxConnections?: number;
  dkim?: DkimOptions | undefined;
  logger?: Logger;
}

// nodemailer's default list omits List-Unsubscribe-Post; RFC 8058 requires it to be signed.
// From is oversigned: a second From added after signing breaks the signature.
const DKIM_HEADERS = { headerFieldNames: 'From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:Content-Transfer-Encoding:List-Id:List-Unsubscribe:List-Unsubscribe-Post:Feedback-ID'.split(':'), oversign: ['From'] };

/** Sends through a pooled SMTP connection set (SMTP_URL). */
export function createSmtpMailer({ url, maxConnections = 5, dkim }: SmtpOptions): Mailer {
  const transport = nodemailer.createTransport({
    url,
    pool: true,
    maxConnections,
    maxMessages: Infinity,
    disableFileAccess: true,
    disableUrlAccess: true,
  } satisfies SMTPPool.Options);
  if (dkim) transport.use('stream', dkimPlugin({ ...dkim, ...DKIM_HEADERS }));
  return {
    async send(mail: OutgoingMail) {
      assertHeaderSafe(mail);
      try {
        const { envelope, raw, messageId } = await buildMessage(mail);
        await transport.sendMail({ envelope, raw, disableFileAccess: true, disableUrlAccess: true });
        return { messageId };
      } catch (error) {
        throw toMailError(error);
      }
    },
    async sendRaw(envelope, raw) {
      try {
        await transport.sendMail({ envelope, raw, disableFileAccess: true, disableUrlAccess: true });
      } catch (error) {
        throw toMailError(error);
      }
    },
    async close() {
      transport.close();
    },
  };
}
