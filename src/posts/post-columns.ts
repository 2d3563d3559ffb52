import type { Updateable } from 'kysely';
import { iso } from '../clock.js';
import type { PostsTable } from '../db/database.js';
import type { Deps } from '../deps.js';
import { Unprocessable } from '../errors.js';
import type { UpdatePostInput } from './post-input.js';
import { summarize } from './summary.js';

export type PostChanges = Updateable<PostsTable>;

/** The Markdown, the sanitised HTML and the plain-text summary made from it change together. */
export async function bodyColumns(deps: Pick<Deps, 'markdown'>, markdown: string) {
  const html = await deps.markdown(markdown);
  return { body_markdown: markdown, body_html: html, summary: summarize(html) };
}

/** The optional fields of create and update as columns; "" clears a text field like null does. */
export function optionalColumns(input: UpdatePostInput): PostChanges {
  const columns: PostChanges = {};
  if (input.excerpt !== undefined) columns.excerpt = input.excerpt || null;
  if (input.author !== undefined) columns.author = input.author || null;
  if (input.email_subject !== undefined) columns.email_subject = input.email_subject || null;
  if (input.tags !== undefined) columns.tags = JSON.stringify([...new Set(input.tags)]);
  if (input.send_on_publish !== undefined) columns.send_on_publish = input.send_on_publish ? 1 : 0;
  return columns;
}

/** A scheduled time must lie ahead; stored in UTC so times compare as text on every dialect. */
export function scheduleTime(value: string, now: Date): string {
  const at = new Date(value);
  if (at.getTime() <= now.getTime()) throw new Unprocessable('scheduled_at must be in the future; to publish now use POST /api/admin/posts/{id}/publish');
  return iso(at);
}

/** A post that leaves (or re-enters) the schedule forgets earlier failed attempts to publish it. */
export const CLEAR_PUBLISH_FAILURE = { publish_error: null, publish_attempts: 0, publish_retry_at: null } as const;
