/**
 * Spreadsheets run a cell starting with = + - @ (or a tab or CR before them) as a formula, which
 * an exported name such as `=HYPERLINK(...)` turns into an attack on whoever opens the file.
 * Such cells get a leading apostrophe, the usual neutraliser. The escape is reversible: a cell
 * that already starts with apostrophes before such a character gets one more, and import takes
 * exactly one away, so export -> import gives back the original text.
 */
const RISKY = /^'*[=+\-@\t\r]/;
const ESCAPED = /^'+[=+\-@\t\r]/;

export function neutraliseCell(value: string): string {
  return RISKY.test(value) ? `'${value}` : value;
}

export function restoreCell(value: string): string {
  return ESCAPED.test(value) ? value.slice(1) : value;
}
