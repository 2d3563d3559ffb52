import { Invalid } from '../errors.js';

const MAX_BYTES = 16 * 1024;

/**
 * Applies a JSON merge patch (RFC 7396, top level) to a subscriber's attributes: keys set to
 * null are removed, others replaced. Bounded so one subscriber cannot bloat every page.
 */
export function mergeAttributes(current: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (key.length === 0 || key.length > 100) throw new Invalid('attribute names must be 1-100 characters');
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  if (Buffer.byteLength(JSON.stringify(merged)) > MAX_BYTES) throw new Invalid(`attributes must be at most ${MAX_BYTES} bytes as JSON`);
  return merged;
}
