import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError, RateLimited } from '../errors.js';
import type { Logger } from '../log.js';
import { MessagePage } from './pages/message-page.js';

const STATUS: Record<string, ContentfulStatusCode> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unprocessable: 422,
  rate_limited: 429,
};

/** Pages people open get an HTML answer; API callers get `{"error":{"code","message"}}`. */
export function wantsHtml(c: Context): boolean {
  if (!c.req.path.startsWith('/api/')) return true;
  const type = c.req.header('content-type') ?? '';
  return type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data');
}

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/** The one place where errors become HTTP responses. Unknown errors never leak their text. */
export function handleError(logger: Logger) {
  return (err: Error, c: Context) => {
    let status: ContentfulStatusCode = 500;
    let code = 'internal';
    let message = 'Something went wrong on our side.';
    let details: unknown;
    if (err instanceof DomainError) {
      status = STATUS[err.code] ?? 400;
      ({ code, message, details } = err);
      if (err instanceof RateLimited) c.header('Retry-After', String(err.retryAfterSeconds));
    } else if (err instanceof HTTPException && err.status < 500) {
      status = err.status as ContentfulStatusCode;
      code = status === 413 ? 'payload_too_large' : 'http_error';
      message = err.message || 'Request could not be processed';
    } else {
      logger.error('http.unhandled', { method: c.req.method, path: c.req.path, error: err.stack ?? String(err) });
    }
    if (wantsHtml(c)) return c.html(MessagePage({ title: status >= 500 ? 'Something went wrong' : 'Sorry', message }), status);
    return c.json(errorBody(code, message, details), status);
  };
}
