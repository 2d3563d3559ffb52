/**
 * Domain errors carry a stable code; only the HTTP layer (src/http/errors.ts) turns them into
 * status codes, so domain code stays usable from the CLI and the worker.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class Invalid extends DomainError {
  constructor(message: string, details?: unknown) {
    super('invalid', message, details);
  }
}

export class NotFound extends DomainError {
  constructor(message = 'Not found') {
    super('not_found', message);
  }
}

export class Conflict extends DomainError {
  constructor(message: string) {
    super('conflict', message);
  }
}

export class Unprocessable extends DomainError {
  constructor(message: string, details?: unknown) {
    super('unprocessable', message, details);
  }
}

export class RateLimited extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('rate_limited', message);
  }
}

export class Unauthorized extends DomainError {
  constructor(message = 'A valid API key is required') {
    super('unauthorized', message);
  }
}

export class Forbidden extends DomainError {
  constructor(message: string) {
    super('forbidden', message);
  }
}
