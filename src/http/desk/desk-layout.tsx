import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { CSRF_FIELD, type DeskEditor } from './desk-env.js';

export type DeskSection = 'dashboard' | 'posts' | 'sends' | 'subscribers' | 'settings';

const SECTIONS: ReadonlyArray<readonly [DeskSection, string, string]> = [
  ['dashboard', 'Dashboard', '/admin'],
  ['posts', 'Posts', '/admin/posts'],
  ['sends', 'Sends', '/admin/sends'],
  ['subscribers', 'Subscribers', '/admin/subscribers'],
  ['settings', 'Settings', '/admin/settings'],
];

// The signed-out pages carry no script: nothing on them needs one.
function DeskHead(props: { title: string; script?: boolean }) {
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{`${props.title} · Broadsheet desk`}</title>
      <link rel="stylesheet" href="/admin/assets/desk.css" />
      {props.script ? <script src="/admin/assets/desk.js" defer></script> : null}
    </head>
  );
}

/** The hidden CSRF field every state-changing desk form starts with. */
export const CsrfField = (props: { token: string }) => <input type="hidden" name={CSRF_FIELD} value={props.token} />;

/**
 * The shell of every signed-in desk page: the navigation, the signed-in editor with sign-out,
 * and the page. Styles and the little script are files under /admin/assets (the desk's CSP
 * allows 'self' only), and every page works with the script blocked.
 */
export function DeskPage(props: { title: string; section?: DeskSection; editor: DeskEditor; csrf: string; children: Child }) {
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en">
        <DeskHead title={props.title} script />
        <body>
          <a class="skip" href="#main">Skip to content</a>
          <header class="desk-header">
            <nav aria-label="Desk">
              <ul>
                {SECTIONS.map(([id, label, href]) => (
                  <li>
                    <a href={href} aria-current={props.section === id ? 'page' : undefined}>
                      {label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
            <form method="post" action="/admin/sign-out" class="sign-out">
              <CsrfField token={props.csrf} />
              <a href="/admin/account">{props.editor.email}</a> <button class="secondary">Sign out</button>
            </form>
          </header>
          <main id="main">
            <h1>{props.title}</h1>
            {props.children}
          </main>
        </body>
      </html>
    </>
  );
}

/** The shell of the signed-out pages (sign in, choose a password): no navigation. */
export function DeskDoorPage(props: { title: string; children: Child }) {
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en">
        <DeskHead title={props.title} />
        <body>
          <main id="main" class="door">
            <h1>{props.title}</h1>
            {props.children}
          </main>
        </body>
      </html>
    </>
  );
}
