import type { Context } from 'hono';
import { Invalid } from '../errors.js';

/** How the caller's address is found: from the socket on Node, from a proxy header if trusted. */
export type RemoteAddress = (c: Context) => string | undefined;

export function clientIp(c: Context, trustProxy: boolean, remoteAddress?: RemoteAddress): string | undefined {
  if (trustProxy) {
    // The proxy appends the address it saw; entries to its left are whatever the client sent.
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  return remoteAddress?.(c);
}

export function isFormPost(c: Context): boolean {
  const type = c.req.header('content-type') ?? '';
  return type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data');
}

/** Reads a JSON or form body as a plain record of strings; anything else is a 400. */
export async function readBody(c: Context): Promise<Record<string, unknown>> {
  if (isFormPost(c)) {
    const form = await c.req.parseBody();
    return Object.fromEntries(Object.entries(form).filter(([, v]) => typeof v === 'string'));
  }
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/json')) throw new Invalid('Send a JSON body (Content-Type: application/json) or a form');
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new Invalid('The body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Invalid('The body must be a JSON object');
  return body as Record<string, unknown>;
}
