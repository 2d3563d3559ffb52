import type { MiddlewareHandler } from 'hono';
import { bodyLimit as honoBodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';

/**
 * Hono's bodyLimit, without its cost on the common path. Hono's version first reads
 * `c.req.raw.body`, which makes @hono/node-server build a full web Request and stream for every
 * request (about a third of a subscribe's CPU time). When Content-Length is given, Node's HTTP
 * parser already holds the body to exactly that length, so the header alone decides; only
 * chunked bodies are counted as they stream in. Too large is a 413 from `handleError`: JSON
 * under /api, a page for browser form posts.
 */
export function bodyLimit(maxSize: number): MiddlewareHandler {
  const tooLarge = (): never => {
    throw new HTTPException(413, { message: `The body must be at most ${maxSize} bytes` });
  };
  const streaming = honoBodyLimit({ maxSize, onError: tooLarge });
  return async (c, next) => {
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return streaming(c, next);
    if (Number(length) > maxSize) tooLarge();
    await next();
  };
}
