import { EDITOR_ROLES } from '../../../db/database.js';
import type { Editor } from '../../../editors/editor.js';
import { CsrfField, DeskPage } from '../desk-layout.js';
import { SettingsNav } from './settings-nav.js';
import type { SignedIn } from './signed-in.js';
import { TextField } from './text-field.js';
import { UtcTime } from '../utc-time.js';

/** What the page says about the invitation just made or refused. */
export type InviteOutcome =
  | { kind: 'sent'; email: string }
  | { kind: 'exists'; message: string }
  | { kind: 'not-mailed'; email: string; link: string; reason: string };

export type EditorChange = 'disabled' | 'enabled';

const CHANGED: Record<EditorChange, string> = {
  disabled: 'The editor is disabled: they are signed out everywhere and cannot sign in.',
  enabled: 'The editor is enabled again: they can sign in with their password.',
};

/** The desk's editors (owners only): the list, disabling and enabling, and the invitation form. */
export function EditorsPage(props: SignedIn & { editors: Editor[]; outcome?: InviteOutcome; changed?: EditorChange; email?: string; role?: string; error?: string }) {
  const outcome = props.outcome;
  return (
    <DeskPage title="Editors" section="settings" editor={props.editor} csrf={props.csrf}>
      <SettingsNav current="editors" editor={props.editor} />
      {props.changed && (
        <p class="notice ok" role="status">
          {CHANGED[props.changed]}
        </p>
      )}
      {outcome?.kind === 'sent' && (
        <p class="notice ok" role="status">
          Invitation sent to {outcome.email}.
        </p>
      )}
      {outcome?.kind === 'exists' && (
        <p class="notice error" role="alert">
          {outcome.message}. Nothing was sent.
        </p>
      )}
      {outcome?.kind === 'not-mailed' && (
        <section class="card" aria-labelledby="not-mailed-heading">
          <h2 id="not-mailed-heading">The invitation could not be mailed</h2>
          <p class="notice warn" role="alert">
            {outcome.email} is added, but the mail failed ({outcome.reason}). Give them this link yourself: it works once, for 24 hours, and is not shown again.
          </p>
          <TextField name="invite-link" label={`Set-password link for ${outcome.email}`} value={outcome.link} readonly />
        </section>
      )}
      <h2>Invite an editor</h2>
      <form method="post" action="/admin/settings/editors" class="stack card">
        <CsrfField token={props.csrf} />
        <TextField name="email" type="email" label="Email address" value={props.email ?? ''} autocomplete="email" hint="They get a link to choose their password." error={props.error} />
        <div class="field">
          <label for="field-role">Role</label>
          <select id="field-role" name="role" aria-describedby="field-role-hint">
            {EDITOR_ROLES.map((role) => (
              <option value={role} selected={(props.role ?? 'editor') === role}>
                {role}
              </option>
            ))}
          </select>
          <p id="field-role-hint" class="muted hint">
            Owners also manage editors and settings.
          </p>
        </div>
        <div class="actions">
          <button>Send invitation</button>
        </div>
      </form>
      <h2>Editors</h2>
      <div class="table-wrap">
        <table>
          <caption class="muted">Everyone with a desk account, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Password</th>
              <th scope="col">Created</th>
              <th scope="col">Status</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {props.editors.map((e) => (
              <tr>
                <td>{e.email}</td>
                <td>{e.role}</td>
                <td>{e.has_password ? 'set' : <span class="muted">not yet</span>}</td>
                <td>
                  <UtcTime at={e.created_at} />
                </td>
                <td>
                  {e.disabled_at ? (
                    <span class="badge error">
                      disabled <UtcTime at={e.disabled_at} />
                    </span>
                  ) : (
                    <span class="badge ok">active</span>
                  )}
                </td>
                <td>
                  {/* No button on one's own row: nobody disables themselves. */}
                  {e.id !== props.editor.id && (
                    <form method="post" action={`/admin/settings/editors/${e.id}/${e.disabled_at ? 'enable' : 'disable'}`}>
                      <CsrfField token={props.csrf} />
                      <button aria-label={`${e.disabled_at ? 'Enable' : 'Disable'} ${e.email}`}>{e.disabled_at ? 'Enable' : 'Disable'}</button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </DeskPage>
  );
}
