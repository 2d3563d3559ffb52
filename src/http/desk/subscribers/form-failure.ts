import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError } from '../../../errors.js';

/**
 * A domain refusal of a submitted form, as the status and message its re-rendered page carries:
 * 409 when the data changed or clashes, 413 for an upload too large, 422 for the rest (the form
 * arrived, its content cannot be used). A record gone meanwhile has no form to show again, and
 * anything else is a bug: both go on to the error handler.
 */
export function formFailure(err: unknown): { status: ContentfulStatusCode; message: string } {
  if (!(err instanceof DomainError) || err.code === 'not_found') throw err;
  const status = err.code === 'conflict' ? 409 : err.code === 'payload_too_large' ? 413 : 422;
  return { status, message: err.message };
}
