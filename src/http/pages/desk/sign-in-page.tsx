import { CsrfField, DeskDoorPage } from '../../desk/desk-layout.js';

/** What the sign-in page says after the desk sent someone back to it. */
export const SIGN_IN_NOTICES = {
  password_set: 'Your password is set. Sign in with it now.',
  signed_out: 'You are signed out.',
  signed_out_everywhere: 'You are signed out on every device.',
} as const;

export type SignInNotice = keyof typeof SIGN_IN_NOTICES;

export function SignInPage(props: { csrf: string; next: string; email?: string; error?: string; notice?: SignInNotice }) {
  return (
    <DeskDoorPage title="Sign in to the desk">
      <div class="card">
        {props.notice ? <p role="status">{SIGN_IN_NOTICES[props.notice]}</p> : null}
        <form class="stack" method="post" action="/admin/sign-in">
          <CsrfField token={props.csrf} />
          <input type="hidden" name="next" value={props.next} />
          <label for="email">Email address</label>
          <input id="email" type="email" name="email" required maxlength={254} autocomplete="username" value={props.email} />
          <label for="password">Password</label>
          <input id="password" type="password" name="password" required maxlength={1024} autocomplete="current-password" />
          {props.error ? (
            <p class="error" role="alert">
              {props.error}
            </p>
          ) : null}
          <div class="row">
            <button type="submit">Sign in</button>
          </div>
        </form>
        <p>
          <a href="/admin/forgot-password">Forgotten your password?</a>
        </p>
        <p class="muted">Never set one? Ask an owner of the desk for a new link.</p>
      </div>
    </DeskDoorPage>
  );
}
