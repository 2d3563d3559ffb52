import { convert, type FormatCallback, type HtmlToTextOptions } from 'html-to-text';
import { POST_TABLE_CLASS } from './mail-body.js';

/**
 * An image stands in the text as its alt text; a decorative one (alt="") leaves no trace. The
 * alt text goes through word transforms like any text, so a link around the image counts it as
 * the link's text and still writes the address after it.
 */
const altText: FormatCallback = (elem, _walk, builder) => {
  const alt = elem.attribs?.alt?.trim();
  if (alt) builder.addInline(alt);
};

const OPTIONS: HtmlToTextOptions = {
  wordwrap: 78,
  formatters: { altText },
  selectors: [
    // Every link keeps its address, so the text part leads where the HTML does.
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true, noAnchorUrl: false } },
    { selector: 'img', format: 'altText' },
    // The post's own tables (not the layout's) as aligned columns.
    { selector: `table.${POST_TABLE_CLASS}`, format: 'dataTable', options: { uppercaseHeaderCells: false } },
    // The mail's title reads as written.
    { selector: 'h1', options: { uppercase: false, leadingLineBreaks: 2, trailingLineBreaks: 1 } },
    // The hidden preview text belongs in the inbox list, not at the top of the text part.
    { selector: 'div[style*="display:none"]', format: 'skip' },
  ],
};

/** The plain-text alternative of a compiled mail. */
export function mailText(html: string): string {
  return convert(html, OPTIONS);
}
