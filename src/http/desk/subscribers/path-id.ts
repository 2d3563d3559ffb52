import type { Context } from 'hono';
import { Invalid } from '../../../errors.js';

/**
 * The `:id` of a route whose pattern allows digits only, as a number; one too large to be an id
 * is refused here rather than reaching the database as a float.
 */
export function pathId(c: Context): number {
  const id = Number(c.req.param('id'));
  if (!Number.isSafeInteger(id)) throw new Invalid('id is not a valid number');
  return id;
}
