import { DomUtils, parseDocument } from 'htmlparser2';
import type { Element } from 'domhandler';

/** A desk page parsed, with the few queries the area tests make. */
export interface DeskHtml {
  html: string;
  /** Matching elements in the page, or only inside `within`. */
  all(test: (el: Element) => boolean, within?: Element): Element[];
  /** The text of each cell (th or td) of a table row. */
  cells(row: Element): string[];
  /** Text of the first element with this attribute (and value, if given); throws if none. */
  text(attribute: string, value?: string): string;
  attr(el: Element, name: string): string | undefined;
  textOf(el: Element): string;
}

export async function readHtml(res: Response): Promise<DeskHtml> {
  const html = await res.text();
  const doc = parseDocument(html);
  const all = (test: (el: Element) => boolean, within?: Element) => DomUtils.findAll(test, within ? within.children : doc.children);
  const textOf = (el: Element) => DomUtils.textContent(el).replace(/\s+/g, ' ').trim();
  return {
    html,
    all,
    textOf,
    cells: (row) => row.children.filter((e): e is Element => e.type === 'tag').map(textOf),
    attr: (el, name) => DomUtils.getAttributeValue(el, name),
    text(attribute, value) {
      const el = all((e) => attribute in e.attribs && (value === undefined || e.attribs[attribute] === value))[0];
      if (!el) throw new Error(`No element with ${attribute}${value === undefined ? '' : `="${value}"`}`);
      return textOf(el);
    },
  };
}

/** Every POST form on the page carries the CSRF token the session gave. */
export function postFormsWithoutCsrf(page: DeskHtml, csrf: string): string[] {
  return page
    .all((e) => e.name === 'form' && (e.attribs.method ?? '').toLowerCase() === 'post')
    .filter((form) => !DomUtils.findAll((e) => e.name === 'input' && e.attribs.name === 'csrf' && e.attribs.value === csrf, form.children).length)
    .map((form) => form.attribs.action ?? '(no action)');
}
