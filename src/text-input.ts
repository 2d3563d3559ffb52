import { z } from 'zod';

// C0/C1 control characters (CR and LF among them) and the Unicode line/paragraph separators.
const LINE_BREAKING = /[\p{Cc}\u2028\u2029]/u;

/**
 * A trimmed, one-line text field of at most `max` characters. Titles, names and addresses end up
 * in mail headers, where a line break would let the value forge headers of its own.
 */
export function singleLine(max: number) {
  return z
    .string()
    .trim()
    .max(max)
    .refine((value) => !LINE_BREAKING.test(value), 'must be one line without control characters');
}
