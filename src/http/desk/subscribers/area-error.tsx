import type { Context } from 'hono';
import { DomainError } from '../../../errors.js';
import type { DeskEnv } from '../desk-env.js';
import { DeskPage } from '../desk-layout.js';

/**
 * The area's answer to a domain error outside a form (a reader that is not there, a bad cursor in
 * a link): a desk page saying so, with the status the API would give. Other errors go on to the
 * app's handler, which logs them and never shows their text.
 */
export function deskAreaError(err: Error, c: Context<DeskEnv>) {
  if (!(err instanceof DomainError)) throw err;
  const notFound = err.code === 'not_found';
  return c.html(
    <DeskPage title={notFound ? 'Not found' : 'Sorry'} section="subscribers" editor={c.get('editor')} csrf={c.get('csrf')}>
      <p>{err.message}</p>
      <p>
        <a href="/admin/subscribers">Back to the subscribers</a>
      </p>
    </DeskPage>,
    notFound ? 404 : 400,
  );
}
