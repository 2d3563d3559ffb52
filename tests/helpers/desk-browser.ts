import type { createApp } from '../../src/app.js';
import type { Deps } from '../../src/deps.js';
import { createEditor } from '../../src/editors/create-editor.js';
import { form } from './test-app.js';

/**
 * A browser's part in the desk, over app.request: it keeps the cookies it is given and sends
 * them back, follows no redirects, and reads the CSRF field out of the pages.
 */
export function deskBrowser(app: ReturnType<typeof createApp>) {
  const jar = new Map<string, string>();
  const request = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const res = await app.request(path, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = pair!.split('=') as [string, string];
      if (value === '' || /max-age=0/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  };
  return {
    jar,
    request,
    get: (path: string, headers: Record<string, string> = {}) => request(path, { headers }),
    post: (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) => request(path, form(fields, headers)),
    /** The CSRF token on the page at `path` (its form's hidden field). */
    async csrf(path: string): Promise<string> {
      const html = await (await request(path)).text();
      const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
      if (!token) throw new Error(`No CSRF field on ${path}:\n${html}`);
      return token;
    },
    /** Signs in through the sign-in form; resolves to the answer of the POST. */
    async signIn(email: string, password: string, headers: Record<string, string> = {}) {
      const csrf = await this.csrf('/admin/sign-in');
      return this.post('/admin/sign-in', { csrf, email, password, next: '/admin' }, headers);
    },
  };
}

export type DeskBrowser = ReturnType<typeof deskBrowser>;

export const PASSWORD = 'correct horse battery staple';

/** An editor with a chosen password (through their link, as a person would), and the link used. */
export async function editorWithPassword(app: ReturnType<typeof createApp>, deps: Deps, email: string, password = PASSWORD) {
  const { editor, link } = await createEditor(deps, { email });
  const path = new URL(link).pathname;
  const res = await deskBrowser(app).post(path, { password, password_confirm: password });
  if (res.status !== 303) throw new Error(`Setting the password answered ${res.status}: ${await res.text()}`);
  return { editor, path };
}
