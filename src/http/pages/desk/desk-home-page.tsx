import type { DeskSession } from '../../../editors/lookup-session.js';
import { Page } from '../page.js';
import { CsrfField } from './csrf-field.js';

/** GET /admin: for now, who is signed in and the ways out. */
export function DeskHomePage(props: { session: DeskSession }) {
  const { editor, csrfToken } = props.session;
  return (
    <Page title="Broadsheet desk">
      <div class="card">
        <h1>The desk</h1>
        <p>
          Signed in as <strong>{editor.email}</strong> ({editor.role}).
        </p>
        <div class="row">
          <form method="post" action="/admin/sign-out">
            <CsrfField token={csrfToken} />
            <button type="submit">Sign out</button>
          </form>
          <form method="post" action="/admin/sign-out-everywhere">
            <CsrfField token={csrfToken} />
            <button type="submit" class="secondary">
              Sign out everywhere
            </button>
          </form>
        </div>
        <p class="muted">“Sign out everywhere” ends your sessions on every device, this one included.</p>
      </div>
    </Page>
  );
}
