import type { Settings } from '../../../settings/settings.js';
import { CsrfField, DeskPage } from '../desk-layout.js';
import type { FieldErrors } from './field-errors.js';
import { SettingsNav } from './settings-nav.js';
import type { SignedIn } from './signed-in.js';
import { TextField } from './text-field.js';

type Field = { name: keyof Settings; label: string; hint: string; type?: 'email'; inputmode?: 'url'; autocomplete?: string };

const GROUPS: ReadonlyArray<{ legend: string; fields: Field[] }> = [
  {
    legend: 'Publication',
    fields: [
      { name: 'name', label: 'Publication name', hint: 'Shown on the public pages and in every email.' },
      { name: 'description', label: 'Description', hint: 'One line about the publication, shown on the public pages.' },
      { name: 'public_url', label: 'Public address', hint: 'Where readers reach this server, such as https://news.example.com: every link in the mail starts with it.', inputmode: 'url', autocomplete: 'url' },
      { name: 'language', label: 'Language', hint: 'A BCP 47 tag such as en or pt-BR.' },
    ],
  },
  {
    legend: 'Sender',
    fields: [
      { name: 'sender_name', label: 'Sender name', hint: 'The name in the From line of every email.' },
      { name: 'sender_email', label: 'Sender address', hint: 'The address every email comes from.', type: 'email' },
      { name: 'reply_to', label: 'Reply-to address', hint: 'Where replies go; leave it empty for the sender address.', type: 'email' },
      { name: 'postal_address', label: 'Postal address', hint: 'Shown in every email footer, as anti-spam laws require; one line.' },
    ],
  },
];

/** Every field the form edits, in the order the form shows them. */
export const SETTINGS_FIELDS = GROUPS.flatMap((g) => g.fields.map((f) => f.name));

const LABELS = Object.fromEntries(GROUPS.flatMap((g) => g.fields.map((f) => [f.name, f.label])));

/** The publication settings form; after a refused save, the user's values with each error by its field. */
export function SettingsPage(props: SignedIn & { values: Settings; errors?: FieldErrors; saved?: boolean }) {
  const errors = props.errors ?? {};
  const refused = SETTINGS_FIELDS.filter((name) => errors[name]);
  return (
    <DeskPage title="Settings" section="settings" editor={props.editor} csrf={props.csrf}>
      <SettingsNav current="publication" editor={props.editor} />
      {props.saved && (
        <p class="notice ok" role="status">
          Settings saved.
        </p>
      )}
      {refused.length > 0 && (
        <div class="notice error" role="alert">
          <p>Nothing was saved. Please correct:</p>
          <ul>
            {refused.map((name) => (
              <li>
                <a href={`#field-${name}`}>{LABELS[name]}</a>
              </li>
            ))}
          </ul>
        </div>
      )}
      <form method="post" action="/admin/settings" class="stack" novalidate>
        <CsrfField token={props.csrf} />
        {GROUPS.map((group) => (
          <fieldset class="card">
            <legend>{group.legend}</legend>
            {group.fields.map((f) => (
              <TextField {...f} value={props.values[f.name]} error={errors[f.name]} />
            ))}
          </fieldset>
        ))}
        <div class="actions">
          <button>Save settings</button>
        </div>
      </form>
    </DeskPage>
  );
}
