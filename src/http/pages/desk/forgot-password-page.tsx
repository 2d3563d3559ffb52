import { CsrfField, DeskDoorPage } from '../../desk/desk-layout.js';

/** The one answer to a reset request, whoever's address it was: nobody learns who is an editor. */
export const RESET_REQUESTED = 'If that address has a desk account, a link is on its way. It works once, for 24 hours.';

/** Asks for a reset link; after the POST, shows the same answer for any address (and no address). */
export function ForgotPasswordPage(props: { csrf: string; requested?: boolean }) {
  return (
    <DeskDoorPage title="Forgotten your password?">
      <div class="card">
        {props.requested ? <p role="status">{RESET_REQUESTED}</p> : null}
        <form class="stack" method="post" action="/admin/forgot-password">
          <CsrfField token={props.csrf} />
          <label for="email">Email address</label>
          <input id="email" type="email" name="email" required maxlength={254} autocomplete="username" />
          <div class="row">
            <button type="submit">Mail me a link</button>
          </div>
        </form>
        <p>
          <a href="/admin/sign-in">Back to sign-in</a>
        </p>
      </div>
    </DeskDoorPage>
  );
}
