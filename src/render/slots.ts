/**
 * Slots are where a template takes HTML from its caller (a post's title, byline and body), as
 * opposed to `{{placeholders}}`, which take escaped values per send or per reader. A template
 * source marks them `{{> name}}`; the compiled HTML keeps that marker, with a note of the
 * whitespace MJML would have trimmed from a value put there before compiling.
 */

/** A slot in a template source. */
export const SOURCE_SLOT = /\{\{> ([a-z_][a-z0-9_]*)\}\}/g;

// In compiled HTML. `{` never occurs in a filled value (see protectBraces) and filling is a
// single pass, so a value can neither hold a marker nor be read as one.
const COMPILED_SLOT = /\{\{> ([a-z_][a-z0-9_]*)(?:\|(trim|trim-start|trim-end))?\}\}/g;

type Trim = 'trim' | 'trim-start' | 'trim-end' | undefined;

/**
 * The marker left in compiled HTML. MJML trims the content of an ending tag such as mj-text,
 * so a slot at either edge of that content loses the value's whitespace on that side (the
 * newline that ends every rendered Markdown body, for one): the marker records which sides.
 */
export function compiledSlot(name: string, trimStart: boolean, trimEnd: boolean): string {
  const trim = trimStart && trimEnd ? '|trim' : trimStart ? '|trim-start' : trimEnd ? '|trim-end' : '';
  return `{{> ${name}${trim}}}`;
}

export function hasSlots(compiledHtml: string): boolean {
  return compiledHtml.search(COMPILED_SLOT) !== -1;
}

function trimmed(value: string, trim: Trim): string {
  if (trim === 'trim') return value.trim();
  if (trim === 'trim-start') return value.trimStart();
  if (trim === 'trim-end') return value.trimEnd();
  return value;
}

/** Puts HTML into the slots of a compiled template, as if it had been there when MJML ran. */
export function fillSlots(compiledHtml: string, values: Readonly<Record<string, string>>): string {
  return compiledHtml.replace(COMPILED_SLOT, (_marker, name: string, trim: Trim) => {
    if (!Object.hasOwn(values, name)) throw new Error(`No value for the template's slot "${name}"`);
    return trimmed(values[name]!, trim);
  });
}
