import type { Deps } from '../deps.js';
import { Unprocessable } from '../errors.js';
import { listUnsubscribeValue, mailDomainOf } from '../mail/list-headers.js';
import { MailError } from '../mail/mailer.js';
import { loadInstallId, testMessageId } from '../mail/message-id.js';
import { parseEmailAddress } from '../subscriptions/email-address.js';
import { createMailingTemplate } from './prepare-send.js';
import { renderTestCopy, testReaderValues } from './test-copy.js';

/**
 * Mails one copy of a post (draft or published) to `to`, without creating a send. It is built
 * by the same template as a mailing, so the editor sees what readers will get. This is the one
 * mail sent inline: the editor is waiting to hear whether it went, and nothing is lost if it
 * does not. Its links point at harmless placeholders, not at any reader's subscription.
 */
export async function sendTestEmail(deps: Pick<Deps, 'db' | 'config' | 'renderer' | 'mailer' | 'clock'>, postId: number, to: unknown): Promise<{ message_id: string; to: string }> {
  const address = parseEmailAddress(to);
  const { settings, subject, html, text } = await renderTestCopy(deps, postId, '[Test] ');
  const { placeholderLink, values } = testReaderValues(settings, address.email);
  const from = { name: settings.sender_name, address: settings.sender_email };
  const messageId = testMessageId({ installId: await loadInstallId(deps.db), domain: mailDomainOf(from.address) });
  let raw: string;
  try {
    raw = createMailingTemplate({ from, replyTo: settings.reply_to || null, subject, publication: settings.name, html, text }).build({
      to: address.email,
      date: deps.clock.now(),
      messageId,
      listUnsubscribe: listUnsubscribeValue(placeholderLink),
      values,
    });
  } catch (error) {
    throw new Unprocessable(`The test email cannot be built: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    await deps.mailer.sendRaw({ from: from.address, to: address.email }, raw);
    return { message_id: messageId, to: address.email };
  } catch (error) {
    if (error instanceof MailError) throw new Unprocessable(`The test email could not be sent: ${error.message}`);
    throw error;
  }
}
