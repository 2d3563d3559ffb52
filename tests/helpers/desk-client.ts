import type { TestContext } from './test-app.js';
import { deskBrowser, editorWithPassword, PASSWORD } from './desk-browser.js';

export interface DeskClient {
  /** The CSRF token to put in every form posted (field `csrf`). */
  csrf: string;
  /** A request to the desk as the signed-in owner (cookies kept, redirects not followed). */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Posts a form (application/x-www-form-urlencoded) with the CSRF token added. */
  submit(path: string, fields: Record<string, string>): Promise<Response>;
}

/** The desk as a signed-in owner sees it: an owner made and signed in the way a person would. */
export async function deskClient(t: TestContext, email = 'owner@example.com'): Promise<DeskClient> {
  await editorWithPassword(t.app, t.deps, email);
  const browser = deskBrowser(t.app);
  const signedIn = await browser.signIn(email, PASSWORD);
  if (signedIn.status !== 303) throw new Error(`Signing in answered ${signedIn.status}: ${await signedIn.text()}`);
  const csrf = await browser.csrf('/admin/account');
  return {
    csrf,
    request: (path, init) => browser.request(path, init),
    submit: (path, fields) => browser.post(path, { csrf, ...fields }),
  };
}
