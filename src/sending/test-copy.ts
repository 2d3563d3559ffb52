import type { Deps } from '../deps.js';
import { NotFound } from '../errors.js';
import { getSettings, type Settings } from '../settings/settings.js';
import { renderPostMail } from './prepare-send.js';

export interface TestCopy {
  settings: Settings;
  subject: string;
  /** Rendered content whose only placeholders are the per-reader ones. */
  html: string;
  text: string;
}

/**
 * A post (draft or published) rendered as its mailing would be, for the test send and the
 * desk's preview, so both show what readers get. `subjectPrefix` marks a test mail as one.
 */
export async function renderTestCopy(deps: Pick<Deps, 'db' | 'config' | 'renderer'>, postId: number, subjectPrefix: string): Promise<TestCopy> {
  const post = await deps.db
    .selectFrom('posts')
    .select(['slug', 'title', 'excerpt', 'author', 'body_html', 'published_at', 'email_subject'])
    .where('id', '=', postId)
    .executeTakeFirst();
  if (!post) throw new NotFound(`No post with id ${postId}`);
  const settings = await getSettings(deps.db, deps.config);
  const subject = `${subjectPrefix}${post.email_subject || post.title}`;
  const { html, text } = await renderPostMail(deps.renderer, settings, post, subject);
  return { settings, subject, html, text };
}

/**
 * The per-reader values of a test copy: the editor's address, and links to harmless
 * placeholders rather than to any reader's subscription.
 */
export function testReaderValues(settings: Settings, email: string) {
  const placeholderLink = `${settings.public_url}/subscribe`;
  return { placeholderLink, values: { email, name: '', unsubscribe_url: placeholderLink, preferences_url: placeholderLink } };
}
