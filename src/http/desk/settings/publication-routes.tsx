import { Hono } from 'hono';
import type { Deps } from '../../../deps.js';
import { getSettings, type Settings } from '../../../settings/settings.js';
import { SettingsPatch, updateSettings } from '../../../settings/update-settings.js';
import type { DeskEnv } from '../desk-env.js';
import { fieldErrors } from './field-errors.js';
import { SETTINGS_FIELDS, SettingsPage } from './settings-page.js';
import { signedIn } from './signed-in.js';

/** /admin/settings: the publication's settings, saved by the verb behind PATCH /api/admin/settings. */
export function publicationRoutes(deps: Deps) {
  const app = new Hono<DeskEnv>();

  app.get('/admin/settings', async (c) =>
    c.html(<SettingsPage {...signedIn(c)} values={await getSettings(deps.db, deps.config)} saved={c.req.query('done') === 'saved'} />),
  );

  app.post('/admin/settings', async (c) => {
    const form = await c.req.parseBody();
    // Only the settings fields: the CSRF token is not one, and the API's schema refuses unknown keys.
    const submitted: Partial<Settings> = {};
    for (const name of SETTINGS_FIELDS) {
      const value = form[name];
      if (typeof value === 'string') submitted[name] = value;
    }
    try {
      // The API's own schema and verb, so the desk refuses exactly what the API refuses.
      await updateSettings(deps, SettingsPatch.parse(submitted));
    } catch (error) {
      const errors = fieldErrors(error);
      if (!errors) throw error;
      const values = { ...(await getSettings(deps.db, deps.config)), ...submitted };
      return c.html(<SettingsPage {...signedIn(c)} values={values} errors={errors} />, 422);
    }
    return c.redirect('/admin/settings?done=saved', 303);
  });

  return app;
}
