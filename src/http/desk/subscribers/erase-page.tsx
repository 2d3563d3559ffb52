import type { SubscriberDetail } from '../../../subscribers/get-subscriber.js';
import type { DeskEditor } from '../desk-env.js';
import { CsrfField, DeskPage } from '../desk-layout.js';

/** The step before erasure: what it does, and one button that does it. */
export function ErasePage(props: { editor: DeskEditor; csrf: string; subscriber: SubscriberDetail }) {
  const s = props.subscriber;
  return (
    <DeskPage title={`Erase ${s.email}?`} section="subscribers" editor={props.editor} csrf={props.csrf}>
      <div class="card">
        <p>Erasing removes this reader's personal data from every table: address, name, consent record, tags, attributes, queued mail and bounce history. Send counts stay, without the link to them. It cannot be undone.</p>
        <p>If they unsubscribed, bounced or complained, or the address is suppressed, only a one-way hash of the address stays on the suppression list, so an old list imported again cannot bring them back.</p>
        <form method="post" action={`/admin/subscribers/${s.id}/erase`} class="actions">
          <CsrfField token={props.csrf} />
          <input type="hidden" name="confirm" value="yes" />
          <button class="danger">Erase this reader</button>
          <a href={`/admin/subscribers/${s.id}`}>Keep them</a>
        </form>
      </div>
    </DeskPage>
  );
}
