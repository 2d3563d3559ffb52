import { Hono } from 'hono';
import { BASE_CSS } from './assets/base-css.js';
import { POSTS_CSS } from './assets/posts-css.js';
import { POSTS_JS } from './assets/posts-js.js';
import { SENDS_CSS } from './assets/sends-css.js';
import { SENDS_JS } from './assets/sends-js.js';
import { SETTINGS_CSS } from './assets/settings-css.js';
import { SETTINGS_JS } from './assets/settings-js.js';
import { SUBSCRIBERS_CSS } from './assets/subscribers-css.js';
import { SUBSCRIBERS_JS } from './assets/subscribers-js.js';

// Each area's styles and progressive enhancement, one module each, joined once at start-up.
const CSS = [BASE_CSS, POSTS_CSS, SENDS_CSS, SETTINGS_CSS, SUBSCRIBERS_CSS].join('\n');
const JS = ['"use strict";', POSTS_JS, SENDS_JS, SETTINGS_JS, SUBSCRIBERS_JS].join('\n');

/**
 * /admin/assets/desk.css and desk.js: files rather than inline blocks, because the desk's CSP
 * allows styles and scripts from 'self' only. Constants, so the Worker bundles them as they are.
 */
export function deskAssetRoutes() {
  const app = new Hono();
  const serve = (body: string, type: string) => (c: import('hono').Context) =>
    c.body(body, 200, { 'Content-Type': type, 'Cache-Control': 'private, max-age=300' });
  app.get('/admin/assets/desk.css', serve(CSS, 'text/css; charset=utf-8'));
  app.get('/admin/assets/desk.js', serve(JS, 'text/javascript; charset=utf-8'));
  return app;
}
