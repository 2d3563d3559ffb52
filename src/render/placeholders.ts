/**
 * A template split once at its `{{key}}` placeholders, so that producing a message for one
 * recipient is a single pass of string concatenation with no parsing.
 */
export interface Placeheld {
  readonly literals: readonly string[];
  readonly keys: readonly string[];
}

const PLACEHOLDER = /\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/g;

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
  return { literals, keys };
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
