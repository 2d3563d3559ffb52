import type { Deps } from '../deps.js';
import { escapeHtml, fillPlaceholders, splitPlaceholders } from '../render/placeholders.js';
import { renderTestCopy, testReaderValues } from './test-copy.js';

/**
 * The HTML part of a post's mailing as `email` would read it: the test copy's content with its
 * per-reader placeholders filled the way the MIME template fills them (HTML-escaped), and the
 * subject readers get (no "[Test]").
 */
export async function previewPostMail(deps: Pick<Deps, 'db' | 'config' | 'renderer'>, postId: number, email: string): Promise<string> {
  const { settings, html } = await renderTestCopy(deps, postId, '');
  return fillPlaceholders(splitPlaceholders(html), testReaderValues(settings, email).values, escapeHtml);
}
