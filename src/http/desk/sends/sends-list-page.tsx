import { SEND_STATUSES, type SendStatus } from '../../../db/database.js';
import type { SendPage as SendListPage } from '../../../sending/send-summary.js';
import type { DeskEditor } from '../desk-env.js';
import { DeskPage } from '../desk-layout.js';
import { SendsTable } from './sends-table.js';

export interface SendsListProps {
  editor: DeskEditor;
  csrf: string;
  page: SendListPage;
  bounced: Map<number, number>;
  status?: SendStatus;
  /** Set when this is not the first page, so the editor can go back to the start. */
  paged: boolean;
}

/** Every send, newest first, filtered by status with a plain GET form. */
export function SendsListPage(props: SendsListProps) {
  const next = props.page.next_cursor && `/admin/sends?${new URLSearchParams({ ...(props.status ? { status: props.status } : {}), cursor: props.page.next_cursor })}`;
  return (
    <DeskPage title="Sends" section="sends" editor={props.editor} csrf={props.csrf}>
      <form method="get" action="/admin/sends" class="actions">
        <label for="send-status-filter">Status</label>
        <select id="send-status-filter" name="status">
          <option value="">All</option>
          {SEND_STATUSES.map((s) => (
            <option value={s} selected={props.status === s}>
              {s}
            </option>
          ))}
        </select>
        <button class="secondary">Show</button>
      </form>
      {props.page.sends.length === 0 ? (
        <p class="muted">{props.status || props.paged ? 'No sends here.' : 'No sends yet: publishing a post with mailing on starts one.'}</p>
      ) : (
        <SendsTable caption="Sends, newest first" sends={props.page.sends} bounced={props.bounced} />
      )}
      <p class="actions">
        {props.paged && <a href={props.status ? `/admin/sends?status=${props.status}` : '/admin/sends'}>Newest sends</a>}
        {next && <a href={next}>Older sends</a>}
      </p>
    </DeskPage>
  );
}
