import { SUBSCRIBER_STATUSES, type SubscriberStatus } from '../../../db/database.js';
import type { SubscriberView } from '../../../subscribers/subscriber-view.js';
import type { DeskEditor } from '../desk-env.js';
import { DeskPage } from '../desk-layout.js';
import { DoneNotice } from './notices.js';
import { listSearch, type ListQuery } from './list-filter.js';

export interface SubscriberListProps {
  editor: DeskEditor;
  csrf: string;
  query: ListQuery;
  counts: { total: number; by_status: Record<SubscriberStatus, number> };
  subscribers: SubscriberView[];
  nextCursor: string | null;
  /** Whether this is a later page (so the page offers a way back to the first). */
  paged: boolean;
  done: string | undefined;
}

/** The list: counts per status, the search form, one page of readers and the way to the next. */
export function SubscriberListPage(props: SubscriberListProps) {
  const { query } = props;
  const searching = Boolean(query.q || query.tag || query.status);
  return (
    <DeskPage title="Subscribers" section="subscribers" editor={props.editor} csrf={props.csrf}>
      <DoneNotice done={props.done} />
      <p class="actions">
        <a class="button" href="/admin/subscribers/new">Add a reader</a>
        <a class="button secondary" href="/admin/subscribers/import">Import a CSV</a>
        <a class="button secondary" href={`/admin/subscribers/export.csv${listSearch(query)}`}>
          {searching ? 'Export these as CSV' : 'Export all as CSV'}
        </a>
        <a href="/admin/suppressions">Suppression list</a>
      </p>
      <h2 id="counts">Readers by status</h2>
      <ul class="status-counts" aria-labelledby="counts">
        <li>
          <a href="/admin/subscribers">All</a>: <strong>{props.counts.total}</strong>
        </li>
        {SUBSCRIBER_STATUSES.map((status) => (
          <li>
            <a href={`/admin/subscribers?status=${status}`}>{status}</a>: <strong>{props.counts.by_status[status]}</strong>
          </li>
        ))}
      </ul>
      <h2>Search</h2>
      <form method="get" action="/admin/subscribers" class="card search-form">
        <div>
          <label for="q">Address or name contains</label>
          <input type="search" id="q" name="q" value={query.q} maxlength={200} />
        </div>
        <div>
          <label for="status">Status</label>
          <select id="status" name="status">
            <option value="">Any</option>
            {SUBSCRIBER_STATUSES.map((status) => (
              <option value={status} selected={query.status === status}>
                {status}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="tag">Tag</label>
          <input type="text" id="tag" name="tag" value={query.tag} maxlength={50} />
        </div>
        <div class="actions">
          <button>Search</button>
          {searching ? <a href="/admin/subscribers">Clear</a> : null}
        </div>
      </form>
      <h2>Readers</h2>
      {props.subscribers.length === 0 ? (
        <p>{searching ? 'No reader matches this search.' : 'No readers yet.'}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="muted">{props.paged ? 'Readers, newest first (a later page)' : 'Readers, newest first'}</caption>
            <thead>
              <tr>
                <th scope="col">Address</th>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Tags</th>
                <th scope="col">Added</th>
              </tr>
            </thead>
            <tbody>
              {props.subscribers.map((s) => (
                <tr>
                  <td>
                    <a href={`/admin/subscribers/${s.id}`}>{s.email}</a>
                  </td>
                  <td>{s.name ?? ''}</td>
                  <td>
                    <span class="badge">{s.status}</span>
                  </td>
                  <td>{s.tags.join(', ')}</td>
                  <td>
                    <time datetime={s.created_at}>{s.created_at.slice(0, 10)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label="Pages" class="actions">
        {props.paged ? <a href={`/admin/subscribers${listSearch(query)}`}>First page</a> : null}
        {props.nextCursor ? (
          <a href={`/admin/subscribers${listSearch(query, { cursor: props.nextCursor })}`} rel="next">
            Next page
          </a>
        ) : null}
      </nav>
    </DeskPage>
  );
}
