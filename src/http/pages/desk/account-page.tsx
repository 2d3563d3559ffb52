import { CsrfField, DeskPage } from '../../desk/desk-layout.js';
import type { DeskEditor } from '../../desk/desk-env.js';

/** GET /admin/account: who is signed in, and signing out on every device. */
export function AccountPage(props: { editor: DeskEditor; csrf: string }) {
  return (
    <DeskPage title="Your account" editor={props.editor} csrf={props.csrf}>
      <div class="card">
        <p>
          Signed in as <strong>{props.editor.email}</strong> ({props.editor.role}).
        </p>
        <form method="post" action="/admin/sign-out-everywhere" class="actions">
          <CsrfField token={props.csrf} />
          <button type="submit" class="secondary">
            Sign out everywhere
          </button>
        </form>
        <p class="muted">“Sign out everywhere” ends your sessions on every device, this one included.</p>
      </div>
    </DeskPage>
  );
}
