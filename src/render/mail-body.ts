import { absoluteUrlRewrites } from './absolute-urls.js';
import { rewriteHtml, type ElementRewrite } from './rewrite-html.js';

/**
 * The width of the text column in `templates/layout.mjml`: the 600 px body, less the section's
 * 8 px and the text block's 25 px of padding on each side.
 */
export const MAIL_COLUMN_PX = 534;

/** Marks the post's own tables, so the text part lays them out as tables (not the layout's). */
export const POST_TABLE_CLASS = 'post-table';

const CELL_STYLE = 'padding:6px 10px;border:1px solid #d1d5db;vertical-align:top;';

const addStyle = (attribs: Record<string, string>, style: string) => (attribs.style ? `${style}${attribs.style}` : style);

/**
 * Images scale down to the column, never up. The inline style does it wherever CSS runs; Outlook
 * on Windows ignores max-width and lays an image out at its width attribute (or its natural
 * size), so a width wider than the column is brought down to it, and the height, which would
 * then distort the image, is left to follow.
 */
const fitImage: ElementRewrite = (tagName, attribs) => {
  const out: Record<string, string> = { ...attribs, style: addStyle(attribs, 'max-width:100%;height:auto;border:0;') };
  const width = Number.parseInt(attribs.width ?? '', 10);
  if (width > MAIL_COLUMN_PX) {
    out.width = String(MAIL_COLUMN_PX);
    delete out.height;
  }
  return { tagName, attribs: out };
};

/** The mail's only h1 is the post title: the body's headings move one level down. */
const demote = (level: number): ElementRewrite => (_tagName, attribs) => ({ tagName: `h${Math.min(level + 1, 6)}`, attribs });

const cell: ElementRewrite = (tagName, attribs) => ({ tagName, attribs: { ...attribs, style: addStyle(attribs, CELL_STYLE) } });

/**
 * A post body (sanitised HTML) made ready for mail: links and images absolute against the
 * post's page, images that fit the column, tables with padded cells, long code lines wrapped,
 * headings under the title. Runs once per mailing, not per reader, in one parse of the body.
 */
export function mailBody(html: string, postUrl: string): string {
  const urls = absoluteUrlRewrites(postUrl);
  return rewriteHtml(html, {
    ...urls,
    img: (tagName, attribs) => {
      const absolute = urls.img(tagName, attribs);
      return fitImage(absolute.tagName, absolute.attribs);
    },
    h1: demote(1),
    h2: demote(2),
    h3: demote(3),
    h4: demote(4),
    h5: demote(5),
    table: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, class: POST_TABLE_CLASS, cellpadding: '6', style: addStyle(attribs, 'border-collapse:collapse;margin:0 0 16px;') },
    }),
    th: cell,
    td: cell,
    // Without this one long line of code widens the mail past a phone's screen.
    pre: (tagName, attribs) => ({ tagName, attribs: { ...attribs, style: addStyle(attribs, 'white-space:pre-wrap;word-wrap:break-word;overflow-wrap:anywhere;') } }),
  });
}
