import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError } from '../../../errors.js';

/**
 * The status a form page re-rendered with a verb's refusal answers, as the API would (a taken
 * slug is a conflict, unrenderable Markdown unprocessable). Anything else is not the editor's
 * doing and is rethrown for the app's error handler.
 */
export function formErrorStatus(error: unknown): ContentfulStatusCode {
  if (!(error instanceof DomainError)) throw error;
  if (error.code === 'conflict') return 409;
  if (error.code === 'invalid') return 400;
  if (error.code === 'not_found') throw error;
  return 422;
}
