import type { Deps } from '../deps.js';
import { NotFound, Unprocessable } from '../errors.js';
import { listUnsubscribeHeaders } from '../mail/list-headers.js';
import { MailError } from '../mail/mailer.js';
import { asText, escapeHtml, fillPlaceholders, splitPlaceholders } from '../render/placeholders.js';
import { getSettings } from '../settings/settings.js';
import { parseEmailAddress } from '../subscriptions/email-address.js';
import { renderPostMail } from './prepare-send.js';

/**
 * Mails one copy of a post (draft or published) to `to`, without creating a send. This is the
 * one mail sent inline: the editor is waiting to hear whether it went, and nothing is lost if
 * it does not. Its links point at harmless placeholders, not at any reader's subscription.
 */
export async function sendTestEmail(deps: Pick<Deps, 'db' | 'config' | 'renderer' | 'mailer'>, postId: number, to: unknown): Promise<{ message_id: string; to: string }> {
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
  const values = {
    email: address.email,
    name: '',
    unsubscribe_url: `${settings.public_url}/subscribe`,
    preferences_url: `${settings.public_url}/subscribe`,
  };
  try {
    const sent = await deps.mailer.send({
      from: { name: settings.sender_name, address: settings.sender_email },
      to: { address: address.email },
      ...(settings.reply_to ? { replyTo: settings.reply_to } : {}),
      subject,
      html: fillPlaceholders(splitPlaceholders(html), values, escapeHtml),
      text: fillPlaceholders(splitPlaceholders(text), values, asText),
      headers: listUnsubscribeHeaders(values.unsubscribe_url),
    });
    return { message_id: sent.messageId, to: address.email };
  } catch (error) {
    if (error instanceof MailError) throw new Unprocessable(`The test email could not be sent: ${error.message}`);
    throw error;
  }
}
