import type Mail from 'nodemailer/lib/mailer/index.js';
import type { OutgoingMail } from './mailer.js';

/** Maps our message onto nodemailer's options; shared by the SMTP and outbox transports. */
export function toNodemailer(mail: OutgoingMail): Mail.Options {
  return {
    from: mail.from,
    to: mail.to.name ? { name: mail.to.name, address: mail.to.address } : mail.to.address,
    replyTo: mail.replyTo,
    subject: mail.subject,
    html: mail.html,
    text: mail.text,
    headers: mail.headers,
    messageId: mail.messageId,
    // Message content is ours, but never let a value be read as a file path or a URL to fetch.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}
