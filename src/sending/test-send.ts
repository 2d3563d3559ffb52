import type { Deps } from '../deps.js';
import { NotFound, Unprocessable } from '../errors.js';
import { listUnsubscribeValue, mailDomainOf } from '../mail/list-headers.js';
import { MailError } from '../mail/mailer.js';
import { loadInstallId, testMessageId } from '../mail/message-id.js';
import { getSettings } from '../settings/settings.js';
import { parseEmailAddress } from '../subscriptions/email-address.js';
import { createMailingTemplate, renderPostMail } from './prepare-send.js';

/**
 * Mails one copy of a post (draft or published) to `to`, without creating a send. It is built
 * by the same template as a mailing, so the editor sees what readers will get. This is the one
 * mail sent inline: the editor is waiting to hear whether it went, and nothing is lost if it
 * does not. Its links point at harmless placeholders, not at any reader's subscription.
 */
export async function sendTestEmail(deps: Pick<Deps, 'db' | 'config' | 'renderer' | 'mailer' | 'clock'>, postId: number, to: unknown): Promise<{ message_id: string; to: string }> {
  const address = parseEmailAddress(to);
  const post = await deps.db
    .selectFrom('posts')
    .select(['slug', 'title', 'excerpt', 'author', 'body_html', 'published_at', 'email_subject'])
    .where('id', '=', postId)
    .executeTakeFirst();
  if (!post) throw new NotFound(`No post with id ${postId}`);
  const settings = await getSettings(deps.db, deps.config);
  const subject = `[Test] ${post.email_subject || post.title}`;
  const { html, text } = await renderPostMail(deps.renderer, settings, post, subject);
  const placeholderLink = `${settings.public_url}/subscribe`;
  const from = { name: settings.sender_name, address: settings.sender_email };
  const messageId = testMessageId({ installId: await loadInstallId(deps.db), domain: mailDomainOf(from.address) });
  let raw: string;
  try {
    raw = createMailingTemplate({ from, replyTo: settings.reply_to || null, subject, publication: settings.name, html, text }).build({
      to: address.email,
      date: deps.clock.now(),
      messageId,
      listUnsubscribe: listUnsubscribeValue(placeholderLink),
      values: { email: address.email, name: '', unsubscribe_url: placeholderLink, preferences_url: placeholderLink },
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
