import type { ApiKeyInfo } from '../../../keys/api-keys.js';
import { CsrfField, DeskPage } from '../desk-layout.js';
import type { SignedIn } from './signed-in.js';
import { UtcTime } from '../utc-time.js';

/** The confirmation step before a revoke, which cannot be undone: a GET, so a link never revokes. */
export function RevokeKeyPage(props: SignedIn & { apiKey: ApiKeyInfo }) {
  const k = props.apiKey;
  return (
    <DeskPage title="Revoke an API key" section="settings" editor={props.editor} csrf={props.csrf}>
      <form method="post" action={`/admin/settings/keys/${k.id}/revoke`} class="stack card">
        <CsrfField token={props.csrf} />
        <p>
          Revoke the key “{k.name}” (starting <code>{k.prefix}</code>)? Anything that uses it is refused by the API from then on. This cannot be undone.
        </p>
        <p class="muted">
          Created <UtcTime at={k.created_at} />; last used {k.last_used_at ? <UtcTime at={k.last_used_at} /> : 'never'}.
        </p>
        <div class="actions">
          <button class="danger">Revoke key</button>
          <a class="button secondary" href="/admin/settings/keys">
            Keep it
          </a>
        </div>
      </form>
    </DeskPage>
  );
}

/** A key id that names no key (a stale link or a typed URL). */
export function KeyMissingPage(props: SignedIn) {
  return (
    <DeskPage title="No such key" section="settings" editor={props.editor} csrf={props.csrf}>
      <p>
        There is no API key at this address. <a href="/admin/settings/keys">See all keys</a>.
      </p>
    </DeskPage>
  );
}
