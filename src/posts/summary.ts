import { compile } from 'html-to-text';

/** Longest summary, in characters: about two lines in the archive. */
export const SUMMARY_MAX = 280;

// The summary needs only the opening; converting a prefix bounds the cost for long posts.
const HTML_PREFIX = 4000;

// Compiled once: html-to-text otherwise rebuilds its options on every call.
const toText = compile({
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'pre', format: 'skip' },
    { selector: 'table', format: 'skip' },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
  ],
});

/**
 * The opening of a post as plain text, cut at a word boundary: what the archive and the feed show
 * when the editor wrote no excerpt.
 */
export function summarize(bodyHtml: string): string {
  const text = toText(opening(bodyHtml)).replace(/\s+/g, ' ').trim();
  if (text.length <= SUMMARY_MAX) return text;
  const cut = text.slice(0, SUMMARY_MAX);
  const space = cut.lastIndexOf(' ');
  return `${(space > SUMMARY_MAX / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:!?-]+$/, '')}…`;
}

// A prefix that ends neither inside a tag nor inside an entity. In sanitised HTML "<", ">" and "&"
// are escaped everywhere else, so they mark tags and entities reliably.
function opening(html: string): string {
  if (html.length <= HTML_PREFIX) return html;
  let cut = html.slice(0, HTML_PREFIX);
  const tag = cut.lastIndexOf('<');
  if (tag > cut.lastIndexOf('>')) cut = cut.slice(0, tag);
  const entity = cut.lastIndexOf('&');
  if (entity > cut.lastIndexOf(';')) cut = cut.slice(0, entity);
  return cut;
}
