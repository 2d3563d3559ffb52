/**
 * A template split once at its `{{key}}` placeholders, so that producing a message for one
 * recipient is a single pass of string concatenation with no parsing.
 */
export interface Placeheld {
  readonly literals: readonly string[];
  readonly keys: readonly string[];
}

const PLACEHOLDER = /\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/g;

// Stands in for "{" in content that must not be read as a placeholder (a post about templates).
const PROTECTED_BRACE = '\uE000';

/**
 * Marks every `{` in author-written content as text, so none can ever open a placeholder. Every
 * brace, not only `{{`: the text part is made from the HTML, where `{<b></b>{unsubscribe_url}}`
 * becomes `{{unsubscribe_url}}` once the tags are dropped.
 */
export function protectBraces(content: string): string {
  return content.replaceAll('{', PROTECTED_BRACE);
}

export function splitPlaceholders(template: string): Placeheld {
  const literals: string[] = [];
  const keys: string[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    literals.push(template.slice(last, match.index));
    keys.push(match[1]!);
    last = match.index! + match[0].length;
  }
  literals.push(template.slice(last));
  return { literals: literals.map((l) => l.replaceAll(PROTECTED_BRACE, '{')), keys };
}

/**
 * Substitutes only the keys present in `values`, leaving the others as placeholders: values
 * that are the same for every reader are filled once per send, not once per reader.
 */
export function fillKnownPlaceholders(template: string, values: Readonly<Record<string, string>>, encode: (value: string) => string): string {
  return template.replace(PLACEHOLDER, (match, key: string) => (Object.hasOwn(values, key) ? protectBraces(encode(values[key]!)) : match));
}

/** Fills the placeholders; `encode` escapes each value for the context (HTML or plain text). */
export function fillPlaceholders(
  template: Placeheld,
  values: Readonly<Record<string, string>>,
  encode: (value: string) => string,
): string {
  const { literals, keys } = template;
  let out = literals[0]!;
  for (let i = 0; i < keys.length; i++) out += encode(values[keys[i]!] ?? '') + literals[i + 1]!;
  return out;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]!);
}

export const asText = (value: string): string => value;
