import type { MiddlewareHandler } from 'hono';
import type { Deps } from '../deps.js';
import { Unauthorized } from '../errors.js';
import { authenticateApiKey } from '../keys/api-keys.js';

/** Guards /api/admin/*: `Authorization: Bearer <key>`, one answer for missing and wrong keys. */
export function adminAuth(deps: Deps): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!(await authenticateApiKey(deps, match?.[1]))) {
      c.header('WWW-Authenticate', 'Bearer realm="broadsheet-admin"');
      throw new Unauthorized();
    }
    await next();
  };
}
