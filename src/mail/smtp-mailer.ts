import type { Readable } from 'node:stream';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type { Logger } from '../log.js';
import { classifySmtpFailure } from './failure-policy.js';
import type { Mailer } from './mailer.js';
import { createMessageSigner, type DkimOptions } from './dkim-policy.js';
import { dkimPlugin } from './smtp-dkim.js';

export interface SmtpOptions {
  url: string;
  maxConnections?: number;
  dkim?: DkimOptions | undefined;
  logger?: Logger;
}

/** The stream nodemailer reads one message from, recorded by the plugin below. */
interface Handover {
  stream?: Readable;
}
const HANDOVER = 'broadsheetHandover';

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
  if (dkim) transport.use('stream', dkimPlugin(createMessageSigner(dkim)));
  // A lost connection gives the same error whether it happened before DATA or while we waited
  // for the answer to the final dot, yet only the first is safe to retry. The one thing that
  // tells them apart is whether the message stream was read to its end, and that stream (the
  // last one, after DKIM signing, whose plugin is registered before this one) is made inside
  // nodemailer: a pass-through process function keeps a reference to it. (Replacing the
  // message's createReadStream instead cost ~400 µs a message: every MimeNode got its own
  // hidden class, and the stream code that handles them stopped being optimised.)
  transport.use('stream', (mail, done) => {
    const handover = (mail.data as Record<string, unknown>)[HANDOVER] as Handover | undefined;
    if (handover) mail.message.processFunc((output: Readable) => (handover.stream = output));
    done();
  });
  const sendMail = async (options: Mail.Options) => {
    const handover: Handover = {};
    try {
      return await transport.sendMail({ ...options, [HANDOVER]: handover } as Mail.Options);
    } catch (error) {
      throw classifySmtpFailure(error, handover.stream?.readableEnded === true);
    }
  };
  return {
    async sendRaw(envelope, raw) {
      await sendMail({ envelope, raw, disableFileAccess: true, disableUrlAccess: true });
    },
    async close() {
      transport.close();
    },
  };
}
