import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { Invalid } from '../errors.js';

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

/**
 * Deepest nesting of elements a post may have. Real posts stay under ten (a list in a quote in
 * a list); thousands of levels overflow the stack of the Markdown parser, the MJML compiler and
 * mail clients alike.
 */
export const MAX_NESTING = 100;

/**
 * Markdown (raw HTML inside it included) to the safe HTML that the web page and the email show.
 * Throws `Invalid` for a body nested too deeply to render. It runs synchronously and some inputs
 * take quadratic time, so callers on a server bound it (see `MarkdownRenderer`).
 */
export function renderMarkdown(source: string): string {
  // Checked first: the parser takes quadratic time over deep containers before it overflows.
  if (deepestLinePrefix(source) > MAX_NESTING) throw tooDeep();
  let html: string;
  try {
    html = sanitizeHtml(markdown.parse(source) as string, POLICY).trim();
  } catch (error) {
    if (error instanceof RangeError) throw tooDeep();
    throw error;
  }
  if (nestingDepth(html) > MAX_NESTING) throw tooDeep();
  return html;
}

const tooDeep = () => new Invalid(`body: nested too deeply (more than ${MAX_NESTING} levels of quotes, lists or tags); flatten it`);

// One container opener at the start of a line: a quote marker, or a list marker and its space.
const OPENER = /[ \t]*(?:>|[-*+][ \t]|\d{1,9}[.)][ \t])/y;

/** The most quote and list markers any line opens with (`> > - a` opens three containers). */
function deepestLinePrefix(source: string): number {
  let max = 0;
  for (let start = 0; start < source.length; ) {
    let depth = 0;
    let at = start;
    // A failed sticky test resets lastIndex to 0, so the position is kept apart.
    for (OPENER.lastIndex = at; OPENER.test(source); OPENER.lastIndex = at) {
      at = OPENER.lastIndex;
      depth++;
    }
    max = Math.max(max, depth);
    const end = source.indexOf('\n', at);
    start = end === -1 ? source.length : end + 1;
  }
  return max;
}

// Elements without a closing tag; the sanitiser writes every other element closed.
const VOID = new Set(['br', 'hr', 'img']);

/** The deepest element nesting in sanitised (so well-formed) HTML, in one pass over its tags. */
function nestingDepth(html: string): number {
  let depth = 0;
  let max = 0;
  for (const [, closing, name] of html.matchAll(/<(\/?)([a-z][a-z0-9]*)/gi)) {
    if (closing) depth--;
    else if (!VOID.has(name!.toLowerCase())) max = Math.max(max, ++depth);
  }
  return max;
}
