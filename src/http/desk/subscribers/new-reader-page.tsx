import type { DeskEditor } from '../desk-env.js';
import { CsrfField, DeskPage } from '../desk-layout.js';
import { ErrorNotice } from './notices.js';

export interface NewReader {
  email: string;
  name: string;
  tags: string;
  status: 'pending' | 'active';
}

export const EMPTY_READER: NewReader = { email: '', name: '', tags: '', status: 'pending' };

/** Adding one reader by hand: either they confirm by mail, or the editor vouches for consent. */
export function NewReaderPage(props: { editor: DeskEditor; csrf: string; values: NewReader; error?: string | undefined }) {
  const v = props.values;
  return (
    <DeskPage title="Add a reader" section="subscribers" editor={props.editor} csrf={props.csrf}>
      <ErrorNotice error={props.error} />
      <form method="post" action="/admin/subscribers/new" class="card stack">
        <CsrfField token={props.csrf} />
        <div>
          <label for="email">Email address</label>
          <input type="email" id="email" name="email" value={v.email} required maxlength={320} autocomplete="off" />
        </div>
        <div>
          <label for="name">Name (optional)</label>
          <input type="text" id="name" name="name" value={v.name} maxlength={100} />
        </div>
        <div>
          <label for="tags">Tags (optional, separated by commas)</label>
          <input type="text" id="tags" name="tags" value={v.tags} />
        </div>
        <fieldset class="choice">
          <legend>Consent</legend>
          <div>
            <input type="radio" id="status-pending" name="status" value="pending" checked={v.status === 'pending'} />{' '}
            <label for="status-pending" class="inline">
              Pending: send them a confirmation mail, and mail them only once they confirm
            </label>
          </div>
          <div>
            <input type="radio" id="status-active" name="status" value="active" checked={v.status === 'active'} />{' '}
            <label for="status-active" class="inline">
              Active: I vouch that they consented (recorded as the editor's word)
            </label>
          </div>
        </fieldset>
        <div class="actions">
          <button>Add</button>
          <a href="/admin/subscribers">Cancel</a>
        </div>
      </form>
    </DeskPage>
  );
}
