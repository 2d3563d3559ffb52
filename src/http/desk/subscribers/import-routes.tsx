import { Hono } from 'hono';
import type { Deps } from '../../../deps.js';
import { Invalid } from '../../../errors.js';
import { uploadTooLarge } from '../../../subscribers/import/import-scratch.js';
import { importSubscribers } from '../../../subscribers/import/import-subscribers.js';
import { IMPORT_MAX_BYTES } from '../../routes/subscriber-routes.js';
import type { DeskEnv } from '../desk-env.js';
import { formFailure } from './form-failure.js';
import { textField } from './form-fields.js';
import { ImportPage, ImportResultPage } from './import-page.js';

// Room for the multipart envelope (boundaries, the CSRF and opt-in fields) around the file.
export const FORM_OVERHEAD_BYTES = 64 * 1024;

/** The CSV import form and its upload: the API's import verb with the same limits. */
export function importRoutes(deps: Deps) {
  const app = new Hono<DeskEnv>();
  const maxBytes = Math.min(IMPORT_MAX_BYTES, deps.importScratch.maxBytes);
  const maxMegabytes = Math.floor(maxBytes / 1024 / 1024);

  app.get('/admin/subscribers/import', (c) => c.html(<ImportPage editor={c.get('editor')} csrf={c.get('csrf')} doubleOptIn={false} maxMegabytes={maxMegabytes} />));

  app.post('/admin/subscribers/import', async (c) => {
    let doubleOptIn = false;
    try {
      // Refused before the body is read: the form is parsed whole, the file included.
      if (Number(c.req.header('content-length') ?? 0) > maxBytes + FORM_OVERHEAD_BYTES) throw uploadTooLarge(maxBytes);
      const body = await c.req.parseBody();
      doubleOptIn = textField(body, 'double_opt_in') === 'yes';
      const file = body['file'];
      if (!(file instanceof File) || file.size === 0) throw new Invalid('Choose a CSV file to import.');
      const result = await importSubscribers(deps, { stream: file.stream() }, { doubleOptIn, maxBytes });
      return c.html(<ImportResultPage editor={c.get('editor')} csrf={c.get('csrf')} result={result} />);
    } catch (err) {
      const { status, message } = formFailure(err);
      return c.html(<ImportPage editor={c.get('editor')} csrf={c.get('csrf')} doubleOptIn={doubleOptIn} maxMegabytes={maxMegabytes} error={message} />, status);
    }
  });

  return app;
}
