import type { ApiKeyInfo } from '../../../keys/api-keys.js';
import { CsrfField, DeskPage } from '../desk-layout.js';
import { SettingsNav } from './settings-nav.js';
import type { SignedIn } from './signed-in.js';
import { TextField } from './text-field.js';
import { UtcTime } from '../utc-time.js';

/**
 * The admin API keys: the list (never a key itself, which is not stored), the form to create
 * one, and, only on the answer to that form, the new key with the warning that it is shown once.
 */
export function KeysPage(props: SignedIn & {
  keys: ApiKeyInfo[];
  created?: { name: string; key: string };
  name?: string;
  error?: string;
  revoked?: boolean;
}) {
  return (
    <DeskPage title="API keys" section="settings" editor={props.editor} csrf={props.csrf}>
      <SettingsNav current="keys" editor={props.editor} />
      {props.revoked && (
        <p class="notice ok" role="status">
          The key was revoked: the API refuses it from now on.
        </p>
      )}
      {props.created && (
        <section class="card new-key" aria-labelledby="new-key-heading">
          <h2 id="new-key-heading">Your new key</h2>
          <p class="notice warn" role="status">
            Copy it now: it will not be shown again. Only its hash is stored, so a lost key cannot be recovered; create another.
          </p>
          <TextField name="new-key" label={`Key “${props.created.name}”`} value={props.created.key} readonly hint="Send it as Authorization: Bearer followed by the key." />
          <p>
            <a href="/admin/settings/keys">I have copied it</a>
          </p>
        </section>
      )}
      <h2>Create a key</h2>
      <form method="post" action="/admin/settings/keys" class="stack card">
        <CsrfField token={props.csrf} />
        <TextField name="name" label="Name" value={props.name ?? ''} hint="What uses the key, such as “Newsroom bot”." error={props.error} />
        <div class="actions">
          <button>Create key</button>
        </div>
      </form>
      <h2>Keys</h2>
      <p class="muted">Each key is known by its first characters: the key itself is not kept. The bootstrap key from ADMIN_API_KEY, if there is one, is not listed.</p>
      {props.keys.length === 0 ? (
        <p>No keys yet.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="muted">All API keys, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Starts with</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {props.keys.map((k) => (
                <tr>
                  <td>{k.name}</td>
                  <td>
                    <code>{`${k.prefix}…`}</code>
                  </td>
                  <td>
                    <UtcTime at={k.created_at} />
                  </td>
                  <td>{k.last_used_at ? <UtcTime at={k.last_used_at} /> : <span class="muted">never</span>}</td>
                  <td>
                    {k.revoked_at ? (
                      <span class="badge error">
                        revoked <UtcTime at={k.revoked_at} />
                      </span>
                    ) : (
                      <span class="badge ok">active</span>
                    )}
                  </td>
                  <td>
                    {!k.revoked_at && (
                      <a href={`/admin/settings/keys/${k.id}/revoke`} aria-label={`Revoke ${k.name}`}>
                        Revoke…
                      </a>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </DeskPage>
  );
}
