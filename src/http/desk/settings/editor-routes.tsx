import { Hono, type MiddlewareHandler } from 'hono';
import type { Deps } from '../../../deps.js';
import { setEditorDisabled } from '../../../editors/disable-editor.js';
import { inviteEditor } from '../../../editors/invite-editor.js';
import { listEditors } from '../../../editors/list-editors.js';
import { Conflict, Forbidden, Invalid } from '../../../errors.js';
import type { DeskEnv } from '../desk-env.js';
import { EditorsPage, type EditorChange } from './editors-page.js';
import { signedIn } from './signed-in.js';

/** Only owners manage who may use the desk: an editor could otherwise make themselves an owner. */
const ownersOnly: MiddlewareHandler<DeskEnv> = async (c, next) => {
  if (c.get('editor').role !== 'owner') throw new Forbidden('Only an owner of the desk can manage its editors.');
  await next();
};

/** /admin/settings/editors: the desk's editors, their invitations, disabling and enabling. */
export function editorRoutes(deps: Deps) {
  const app = new Hono<DeskEnv>();
  app.use('/admin/settings/editors', ownersOnly);
  app.use('/admin/settings/editors/*', ownersOnly);

  app.get('/admin/settings/editors', async (c) => {
    const done = c.req.query('done');
    const changed = done === 'disabled' || done === 'enabled' ? (done as EditorChange) : undefined;
    return c.html(<EditorsPage {...signedIn(c)} editors={await listEditors(deps)} changed={changed} />);
  });

  app.post('/admin/settings/editors/:id{[0-9]+}/:change{disable|enable}', async (c) => {
    const disabled = c.req.param('change') === 'disable';
    await setEditorDisabled(deps, { by: c.get('editor').id, id: Number(c.req.param('id')), disabled });
    return c.redirect(`/admin/settings/editors?done=${disabled ? 'disabled' : 'enabled'}`, 303);
  });

  app.post('/admin/settings/editors', async (c) => {
    const form = await c.req.parseBody();
    const page = async (status: 200 | 409 | 422, props: Partial<Parameters<typeof EditorsPage>[0]>) =>
      c.html(<EditorsPage {...signedIn(c)} editors={await listEditors(deps)} {...props} />, status);
    try {
      const invitation = await inviteEditor(deps, { email: form.email, role: form.role });
      if (invitation.sent) return page(200, { outcome: { kind: 'sent', email: invitation.editor.email } });
      // The page carries the link: like a new API key, it must stay out of caches and history.
      c.header('Cache-Control', 'no-store');
      return page(200, { outcome: { kind: 'not-mailed', email: invitation.editor.email, link: invitation.link, reason: invitation.reason } });
    } catch (error) {
      const email = typeof form.email === 'string' ? form.email.replace(/[\r\n]/g, '') : '';
      const role = typeof form.role === 'string' ? form.role : undefined;
      if (error instanceof Conflict) return page(409, { outcome: { kind: 'exists', message: error.message }, email, role });
      if (error instanceof Invalid) return page(422, { error: error.message, email, role });
      throw error;
    }
  });

  return app;
}
