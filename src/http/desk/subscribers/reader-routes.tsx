import { Hono, type Context } from 'hono';
import type { Deps } from '../../../deps.js';
import { createSubscriber } from '../../../subscribers/create-subscriber.js';
import { eraseSubscriber } from '../../../subscribers/erase-subscriber.js';
import { getSubscriber } from '../../../subscribers/get-subscriber.js';
import { subscriberMail } from '../../../subscribers/subscriber-mail.js';
import { parseTagList } from '../../../subscribers/tags.js';
import { updateSubscriber, type UpdateSubscriberInput } from '../../../subscribers/update-subscriber.js';
import type { DeskEnv } from '../desk-env.js';
import { ErasePage } from './erase-page.js';
import { formFailure } from './form-failure.js';
import { textField } from './form-fields.js';
import { EMPTY_READER, NewReaderPage, type NewReader } from './new-reader-page.js';
import { pathId } from './path-id.js';
import { editOf, ReaderPage, type ReaderEdit } from './reader-page.js';

// Digits only, so /new, /import and /export.csv never reach these routes.
const READER = '/admin/subscribers/:id{[0-9]+}';

/** Adding one reader, their page, editing and erasing them: the API's create, PATCH and DELETE. */
export function readerRoutes(deps: Deps) {
  const app = new Hono<DeskEnv>();

  const readerPage = async (c: Context<DeskEnv>, id: number, form: { edit?: ReaderEdit; error?: string } = {}) => {
    const [subscriber, mail] = await Promise.all([getSubscriber(deps, id), subscriberMail(deps, id)]);
    return (
      <ReaderPage
        editor={c.get('editor')}
        csrf={c.get('csrf')}
        subscriber={subscriber}
        mail={mail}
        edit={form.edit ?? editOf(subscriber)}
        error={form.error}
        done={c.req.query('done')}
      />
    );
  };

  app.get('/admin/subscribers/new', (c) => c.html(<NewReaderPage editor={c.get('editor')} csrf={c.get('csrf')} values={EMPTY_READER} />));

  app.post('/admin/subscribers/new', async (c) => {
    const body = await c.req.parseBody();
    const values: NewReader = {
      email: textField(body, 'email'),
      name: textField(body, 'name'),
      tags: textField(body, 'tags'),
      status: textField(body, 'status') === 'active' ? 'active' : 'pending',
    };
    try {
      const created = await createSubscriber(deps, { email: values.email, name: values.name || null, tags: parseTagList(values.tags), status: values.status });
      return c.redirect(`/admin/subscribers/${created.id}?done=${values.status === 'active' ? 'created' : 'created-pending'}`, 303);
    } catch (err) {
      const { status, message } = formFailure(err);
      return c.html(<NewReaderPage editor={c.get('editor')} csrf={c.get('csrf')} values={values} error={message} />, status);
    }
  });

  app.get(READER, async (c) => c.html(await readerPage(c, pathId(c))));

  app.post(READER, async (c) => {
    const id = pathId(c);
    const body = await c.req.parseBody();
    const status = textField(body, 'status');
    const edit: ReaderEdit = {
      name: textField(body, 'name'),
      tags: textField(body, 'tags'),
      status: status === 'active' || status === 'unsubscribed' ? status : '',
      clearSuppression: textField(body, 'clear_suppression') === 'yes',
    };
    try {
      const patch: UpdateSubscriberInput = { name: edit.name || null, tags: parseTagList(edit.tags) };
      if (edit.status) patch.status = edit.status;
      if (edit.clearSuppression) patch.clear_suppression = true;
      await updateSubscriber(deps, id, patch);
      return c.redirect(`/admin/subscribers/${id}?done=saved`, 303);
    } catch (err) {
      const { status: code, message } = formFailure(err);
      return c.html(await readerPage(c, id, { edit, error: message }), code);
    }
  });

  app.get(`${READER}/erase`, async (c) => c.html(<ErasePage editor={c.get('editor')} csrf={c.get('csrf')} subscriber={await getSubscriber(deps, pathId(c))} />));

  app.post(`${READER}/erase`, async (c) => {
    const id = pathId(c);
    const body = await c.req.parseBody();
    // Without the confirmation page's field, the POST only asks: erasure happens on "yes".
    if (textField(body, 'confirm') !== 'yes') return c.html(<ErasePage editor={c.get('editor')} csrf={c.get('csrf')} subscriber={await getSubscriber(deps, id)} />);
    await eraseSubscriber(deps, id);
    return c.redirect('/admin/subscribers?done=erased', 303);
  });

  return app;
}
