import { Invalid } from '../errors.js';

/**
 * Pagination cursors are opaque to clients (base64url of the sort key of the last item shown),
 * so the sort key can change without breaking anyone who stored one.
 */
export function encodeCursor(key: Array<string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Reads a cursor written by `encodeCursor` with the same key shape; anything else is a 400. */
export function decodeCursor<const T extends ReadonlyArray<'string' | 'number'>>(
  cursor: string,
  shape: T,
): { [K in keyof T]: T[K] extends 'string' ? string : number } {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  const fits = Array.isArray(key) && key.length === shape.length && key.every((v, i) => typeof v === shape[i]);
  if (!fits) throw new Invalid('cursor is not valid: pass the next_cursor of a previous page');
  return key as { [K in keyof T]: T[K] extends 'string' ? string : number };
}
