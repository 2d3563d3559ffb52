import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { mailDomainOf, ONE_CLICK } from '../mail/list-headers.js';
import { loadInstallId, type MessageIdScope } from '../mail/message-id.js';
import { asText, escapeHtml, fillKnownPlaceholders, protectBraces, splitPlaceholders } from '../render/placeholders.js';
import { mailBody } from '../render/mail-body.js';
import type { Renderer } from '../render/renderer.js';
import { getSettings, type Settings } from '../settings/settings.js';
import { createMimeTemplate, type MimeTemplate } from '../mail/mime-template.js';

/** Everything the hot loop needs for one send, built once per send per process. */
export interface PreparedSend {
  id: number;
  mime: MimeTemplate;
  envelopeFrom: string;
  messageIds: MessageIdScope;
  publicUrl: string;
  unsubscribeMailto: string | undefined;
}

interface PostForMail {
  slug: string;
  title: string;
  excerpt: string | null;
  author: string | null;
  body_html: string;
  published_at: string | null;
}

/**
 * The send's messages cannot be built (the post does not render, a value cannot become a
 * header): no retry will change that, so the send stops as `failed` with this as its reason.
 */
export class SendBuildError extends Error {
  override name = 'SendBuildError';
}

/**
 * Renders a post into a mail whose only placeholders are the per-reader ones (name, email,
 * unsubscribe and preferences links): the post goes into the slots of the compiled post
 * template once, and values shared by every reader are filled in here rather than per
 * message. Also used for test sends.
 */
export async function renderPostMail(renderer: Renderer, settings: Settings, post: PostForMail, subject: string): Promise<{ html: string; text: string }> {
  const byline = [post.author, post.published_at ? new Date(post.published_at).toUTCString().slice(5, 16) : null].filter(Boolean).join(' · ');
  const viewUrl = `${settings.public_url}/posts/${encodeURIComponent(post.slug)}`;
  const compiled = await renderer.fill('post', {
    title: protectBraces(escapeHtml(post.title)),
    byline: protectBraces(escapeHtml(byline)),
    body: protectBraces(mailBody(post.body_html, viewUrl)),
  });
  const shared = {
    publication: settings.name,
    postal_address: settings.postal_address,
    language: settings.language,
    view_url: viewUrl,
    archive_url: `${settings.public_url}/posts`,
    subject,
    preheader: post.excerpt ?? '',
  };
  return {
    html: fillKnownPlaceholders(compiled.html, shared, escapeHtml),
    text: fillKnownPlaceholders(compiled.text, shared, asText),
  };
}

export interface MailingTemplateInput {
  from: { name: string; address: string };
  replyTo: string | null;
  subject: string;
  /** The publication's name, for List-Id. */
  publication: string;
  feedbackId?: string;
  /** Rendered content whose only placeholders are the per-reader ones. */
  html: string;
  text: string;
}

/**
 * The MIME template of a post mailing: what every reader of a send gets, and what the editor's
 * test copy is built from, so the test shows the very headers and bytes readers will receive.
 */
export function createMailingTemplate(input: MailingTemplateInput): MimeTemplate {
  const mailDomain = mailDomainOf(input.from.address);
  return createMimeTemplate({
    from: input.from,
    replyTo: input.replyTo,
    subject: input.subject,
    listId: `"${input.publication.replace(/["\\]/g, '')}" <newsletter.${mailDomain}>`,
    ...(input.feedbackId ? { feedbackId: input.feedbackId } : {}),
    html: splitPlaceholders(input.html),
    text: splitPlaceholders(input.text),
    headers: { 'List-Unsubscribe-Post': ONE_CLICK },
  });
}

/**
 * Loads a send, rendering its content on first use and storing it on the send (the record of
 * what was mailed; a restarted worker reuses it instead of rendering a possibly edited post).
 */
export async function prepareSend(deps: Pick<Deps, 'db' | 'clock' | 'config' | 'renderer'>, sendId: number): Promise<PreparedSend> {
  const { db } = deps;
  const send = await db.selectFrom('sends').selectAll().where('id', '=', sendId).executeTakeFirstOrThrow();
  const settings = await getSettings(db, deps.config);
  let { html, text } = send;
  if (html === null || text === null) {
    const post = await db
      .selectFrom('posts')
      .select(['slug', 'title', 'excerpt', 'author', 'body_html', 'published_at'])
      .where('id', '=', send.post_id)
      .executeTakeFirstOrThrow();
    ({ html, text } = await buildOrThrow('render the post', () => renderPostMail(deps.renderer, settings, post, send.subject)));
    await db.updateTable('sends').set({ html, text, updated_at: iso(deps.clock.now()) }).where('id', '=', sendId).execute();
  }

  const mime = await buildOrThrow('build the message headers', async () =>
    createMailingTemplate({
      from: { name: send.from_name, address: send.from_address },
      replyTo: send.reply_to,
      subject: send.subject,
      publication: settings.name,
      ...(deps.config.feedbackId ? { feedbackId: `${send.id}:${send.post_id}:newsletter:${deps.config.feedbackId}` } : {}),
      html,
      text,
    }),
  );
  return {
    id: send.id,
    mime,
    envelopeFrom: send.from_address,
    messageIds: { installId: await loadInstallId(db), domain: mailDomainOf(send.from_address) },
    publicUrl: settings.public_url,
    unsubscribeMailto: deps.config.unsubscribeMailto,
  };
}

async function buildOrThrow<T>(what: string, build: () => Promise<T>): Promise<T> {
  try {
    return await build();
  } catch (error) {
    throw new SendBuildError(`Cannot ${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
