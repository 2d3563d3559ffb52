import { Hono } from 'hono';
import type { Deps } from '../../../deps.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../../../keys/api-keys.js';
import { KeyName } from '../../../keys/key-name.js';
import type { DeskEnv } from '../desk-env.js';
import { KeysPage } from './keys-page.js';
import { KeyMissingPage, RevokeKeyPage } from './revoke-key-page.js';
import { signedIn } from './signed-in.js';

/** /admin/settings/keys: the admin API keys, through the verbs behind /api/admin/keys. */
export function keyRoutes(deps: Deps) {
  const app = new Hono<DeskEnv>();
  const findKey = async (id: string) => (await listApiKeys(deps)).find((k) => k.id === Number(id));

  app.get('/admin/settings/keys', async (c) =>
    c.html(<KeysPage {...signedIn(c)} keys={await listApiKeys(deps)} revoked={c.req.query('done') === 'revoked'} />),
  );

  app.post('/admin/settings/keys', async (c) => {
    const form = await c.req.parseBody();
    const name = typeof form.name === 'string' ? form.name : '';
    const parsed = KeyName.safeParse(name);
    if (!parsed.success) {
      return c.html(<KeysPage {...signedIn(c)} keys={await listApiKeys(deps)} name={name} error={parsed.error.issues[0]?.message} />, 422);
    }
    const created = await createApiKey(deps, parsed.data);
    // The only response that ever carries the key: the page of this POST itself rather than a
    // redirect's, and kept by no cache or history, so that neither a GET nor Back shows it again.
    c.header('Cache-Control', 'no-store');
    return c.html(<KeysPage {...signedIn(c)} keys={await listApiKeys(deps)} created={created} />);
  });

  app.get('/admin/settings/keys/:id{[0-9]+}/revoke', async (c) => {
    const apiKey = await findKey(c.req.param('id'));
    if (!apiKey) return c.html(<KeyMissingPage {...signedIn(c)} />, 404);
    if (apiKey.revoked_at) return c.redirect('/admin/settings/keys');
    return c.html(<RevokeKeyPage {...signedIn(c)} apiKey={apiKey} />);
  });

  app.post('/admin/settings/keys/:id{[0-9]+}/revoke', async (c) => {
    const apiKey = await findKey(c.req.param('id'));
    if (!apiKey) return c.html(<KeyMissingPage {...signedIn(c)} />, 404);
    // A second confirmation (a double click, a resubmitted form) would move the revocation's date.
    if (!apiKey.revoked_at) await revokeApiKey(deps, apiKey.id);
    return c.redirect('/admin/settings/keys?done=revoked', 303);
  });

  return app;
}
