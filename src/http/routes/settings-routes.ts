import { createRoute, z } from '@hono/zod-openapi';
import type { Deps } from '../../deps.js';
import { getSettings } from '../../settings/settings.js';
import { SettingsPatch, updateSettings } from '../../settings/update-settings.js';
import { adminSecurity, createRouter, errorResponses } from '../openapi.js';

const Settings = z
  .object({
    name: z.string(),
    description: z.string(),
    sender_name: z.string(),
    sender_email: z.string(),
    reply_to: z.string(),
    postal_address: z.string(),
    public_url: z.string(),
    language: z.string(),
  })
  .openapi('Settings');

const common = { tags: ['settings'], security: adminSecurity, path: '/api/admin/settings' };

/** /api/admin/settings: what the publication says about itself in pages and mail. */
export function settingsRoutes(deps: Deps) {
  const app = createRouter();
  app.openapi(
    createRoute({ ...common, method: 'get', operationId: 'getSettings', summary: 'Publication settings', responses: { 200: { description: 'The settings', content: { 'application/json': { schema: Settings } } }, ...errorResponses(401) } }),
    async (c) => c.json(await getSettings(deps.db, deps.config), 200),
  );
  app.openapi(
    createRoute({
      ...common,
      method: 'patch',
      operationId: 'updateSettings',
      summary: 'Change some settings',
      request: { body: { required: true, content: { 'application/json': { schema: SettingsPatch.openapi('SettingsPatch') } } } },
      responses: { 200: { description: 'All settings after the change', content: { 'application/json': { schema: Settings } } }, ...errorResponses(400, 401) },
    }),
    async (c) => c.json(await updateSettings(deps, c.req.valid('json')), 200),
  );
  return app;
}
