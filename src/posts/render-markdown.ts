import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

// Our own instance: extensions someone adds to the global `marked` cannot change our output.
const markdown = new Marked({ gfm: true, breaks: false, async: false });

/**
 * An allow-list, not a deny-list: whatever is not named here is dropped. It keeps to HTML that
 * mail clients render without CSS (the same HTML goes into the email), so there are no style
 * attributes or tags, no forms, no embeds; images from http(s) or relative URLs (mail makes
 * those absolute against the post's page), never data: or protocol-relative ones.
 */
const POLICY: sanitizeHtml.IOptions = {
  allowedTags: [
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'a', 'img', 'ul', 'ol', 'li', 'blockquote',
    'pre', 'code', 'em', 'strong', 'b', 'i', 'u', 'del', 's', 'sup', 'sub', 'small', 'mark', 'kbd', 'abbr',
    'table', 'caption', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'figure', 'figcaption', 'dl', 'dt', 'dd',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    th: ['align', 'colspan', 'rowspan'],
    td: ['align', 'colspan', 'rowspan'],
    ol: ['start'],
    code: ['class'],
    abbr: ['title'],
  },
  allowedClasses: { code: ['language-*'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    // Readers' browsers must not hand our page (or the reader) to the linked site.
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener noreferrer' } }),
  },
  // An image whose src the scheme rules removed would be an empty box.
  exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
};

/** Markdown (raw HTML inside it included) to the safe HTML that the web page and the email show. */
export function renderMarkdown(source: string): string {
  const html = markdown.parse(source) as string;
  return sanitizeHtml(html, POLICY).trim();
}
