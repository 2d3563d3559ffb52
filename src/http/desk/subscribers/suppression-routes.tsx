import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Deps } from '../../../deps.js';
import { Invalid } from '../../../errors.js';
import { addSuppression, listSuppressions, removeSuppression } from '../../../suppressions/manage-suppressions.js';
import type { DeskEnv } from '../desk-env.js';
import { formFailure } from './form-failure.js';
import { textField } from './form-fields.js';
import { pathId } from './path-id.js';
import { SuppressionsPage } from './suppressions-page.js';

const PAGE_SIZE = 50;

/** /admin/suppressions: the API's list (and lookup by value), add and remove. */
export function suppressionDeskRoutes(deps: Deps) {
  const app = new Hono<DeskEnv>();

  const page = async (c: Context<DeskEnv>, form: { value: string; error?: string; status?: ContentfulStatusCode }) => {
    const raw = c.req.query('cursor');
    const cursor = raw === undefined || raw === '' ? undefined : Number(raw);
    if (cursor !== undefined && !(Number.isSafeInteger(cursor) && cursor > 0)) throw new Invalid('cursor is not valid');
    // A lookup goes by hash, so it also answers for an erased reader's address kept as a hash only.
    const find = (c.req.query('find') ?? '').trim();
    let list: Awaited<ReturnType<typeof listSuppressions>> = { suppressions: [], next_cursor: null };
    let findError: string | undefined;
    let status = form.status ?? 200;
    try {
      list = await listSuppressions(deps, { limit: PAGE_SIZE, cursor, value: find || undefined });
    } catch (err) {
      ({ status, message: findError } = formFailure(err));
    }
    return c.html(
      <SuppressionsPage
        editor={c.get('editor')}
        csrf={c.get('csrf')}
        suppressions={list.suppressions}
        nextCursor={list.next_cursor}
        paged={cursor !== undefined}
        value={form.value}
        error={form.error}
        find={find}
        findError={findError}
        done={c.req.query('done')}
      />,
      status,
    );
  };

  app.get('/admin/suppressions', (c) => page(c, { value: '' }));

  app.post('/admin/suppressions', async (c) => {
    const value = textField(await c.req.parseBody(), 'value');
    try {
      const { created } = await addSuppression(deps, { value });
      return c.redirect(`/admin/suppressions?done=${created ? 'suppressed' : 'already-suppressed'}`, 303);
    } catch (err) {
      const { status, message } = formFailure(err);
      return page(c, { value, error: message, status });
    }
  });

  app.post('/admin/suppressions/:id{[0-9]+}/remove', async (c) => {
    await removeSuppression(deps, pathId(c));
    return c.redirect('/admin/suppressions?done=unsuppressed', 303);
  });

  return app;
}
