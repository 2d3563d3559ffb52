import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { headerField } from './header-field.js';
import { formatMailbox } from './mailbox.js';
import type { OutgoingMail } from './mailer.js';

/** A message ready for the wire: what the SMTP and outbox transports hand to nodemailer as `raw`. */
export interface BuiltMessage {
  envelope: { from: string; to: string };
  raw: Buffer;
  messageId: string;
}

/**
 * Builds one message with nodemailer (body, Subject, Date, Message-ID, extra headers); shared
 * by the SMTP and outbox transports. From and To are written here, with the same encoding as
 * mailings (formatMailbox): nodemailer puts an ASCII name that looks like an encoded word
 * (`=?utf-8?q?...?=`) in a quoted string, where mail readers decode it into another name.
 */
export async function buildMessage(mail: OutgoingMail): Promise<BuiltMessage> {
  const envelope = { from: mail.from.address, to: mail.to.address };
  const node = new MailComposer({
    envelope,
    replyTo: mail.replyTo,
    subject: mail.subject,
    html: mail.html,
    text: mail.text,
    headers: mail.headers,
    messageId: mail.messageId,
    // Message content is ours, but never let a value be read as a file path or a URL to fetch.
    disableFileAccess: true,
    disableUrlAccess: true,
  }).compile();
  const messageId = node.messageId();
  const addresses = headerField('From', formatMailbox(mail.from)) + headerField('To', formatMailbox(mail.to));
  return { envelope, raw: Buffer.concat([Buffer.from(addresses), await node.build()]), messageId };
}
