import { ZodError } from 'zod';
import { Invalid } from '../../../errors.js';

/** The first message for each field of a form, by field name. */
export type FieldErrors = Record<string, string>;

/**
 * The field messages in a refusal, if it is one: a validation failure of the same schema the API
 * checks, or a domain Invalid whose details name the fields. Anything else is not the user's
 * input at fault, so it gives undefined and the caller rethrows it.
 */
export function fieldErrors(error: unknown): FieldErrors | undefined {
  const issues =
    error instanceof ZodError
      ? error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
      : error instanceof Invalid && Array.isArray(error.details)
        ? (error.details as Array<{ path: string; message: string }>)
        : undefined;
  if (!issues) return undefined;
  const errors: FieldErrors = {};
  for (const { path, message } of issues) errors[path] ??= message;
  return errors;
}
