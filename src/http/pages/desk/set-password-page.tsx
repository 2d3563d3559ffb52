import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../../editors/password-hash.js';
import { DeskDoorPage } from '../../desk/desk-layout.js';

/** The page a set-password or reset link opens. The link's token is the proof, so no CSRF field. */
export function SetPasswordPage(props: { email: string; action: string; error?: string }) {
  return (
    <DeskDoorPage title="Choose your password">
      <div class="card">
        <p>
          For <strong>{props.email}</strong>. Use {PASSWORD_MIN_LENGTH} characters or more; a few unrelated words make a good one.
        </p>
        <form class="stack" method="post" action={props.action}>
          {/* Lets password managers file the new password under the right account. */}
          <input type="hidden" name="username" value={props.email} autocomplete="username" />
          <label for="password">New password</label>
          <input id="password" type="password" name="password" required minlength={PASSWORD_MIN_LENGTH} maxlength={PASSWORD_MAX_LENGTH} autocomplete="new-password" aria-describedby="password-rule" />
          <span id="password-rule" class="muted">
            {PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters.
          </span>
          <label for="password_confirm">The same password again</label>
          <input id="password_confirm" type="password" name="password_confirm" required maxlength={PASSWORD_MAX_LENGTH} autocomplete="new-password" />
          {props.error ? (
            <p class="error" role="alert">
              {props.error}
            </p>
          ) : null}
          <div class="row">
            <button type="submit">Set my password</button>
          </div>
        </form>
      </div>
    </DeskDoorPage>
  );
}
