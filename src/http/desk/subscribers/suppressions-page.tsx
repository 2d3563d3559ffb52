import type { Suppression } from '../../../suppressions/manage-suppressions.js';
import type { DeskEditor } from '../desk-env.js';
import { CsrfField, DeskPage } from '../desk-layout.js';
import { DoneNotice, ErrorNotice } from './notices.js';

export interface SuppressionsPageProps {
  editor: DeskEditor;
  csrf: string;
  suppressions: Suppression[];
  nextCursor: number | null;
  paged: boolean;
  value: string;
  error?: string | undefined;
  /** A lookup of one address or domain, and why it could not be made. */
  find: string;
  findError?: string | undefined;
  done?: string | undefined;
}

/** Addresses and domains never mailed: the add form, one page of entries, each removable. */
export function SuppressionsPage(props: SuppressionsPageProps) {
  return (
    <DeskPage title="Suppression list" section="subscribers" editor={props.editor} csrf={props.csrf}>
      <DoneNotice done={props.done} />
      <p>
        Nothing is mailed to these addresses or domains, whoever asks. Bounces and complaints land here too. <a href="/admin/subscribers">All subscribers</a>
      </p>
      <h2>Suppress an address or domain</h2>
      <ErrorNotice error={props.error} />
      <form method="post" action="/admin/suppressions" class="card stack">
        <CsrfField token={props.csrf} />
        <div>
          <label for="value">Address or domain</label>
          <input type="text" id="value" name="value" value={props.value} required maxlength={320} aria-describedby="value-help" />
          <p id="value-help" class="muted">
            reader@example.com for one address; example.com or @example.com for a whole domain.
          </p>
        </div>
        <div class="actions">
          <button>Suppress</button>
        </div>
      </form>
      <h2>Entries</h2>
      <form method="get" action="/admin/suppressions" class="card search-form">
        <div>
          <label for="find">Is this address or domain suppressed?</label>
          <input type="search" id="find" name="find" value={props.find} maxlength={320} />
        </div>
        <div class="actions">
          <button class="secondary">Look up</button>
          {props.find ? <a href="/admin/suppressions">Show all</a> : null}
        </div>
      </form>
      <ErrorNotice error={props.findError} />
      {props.suppressions.length === 0 ? (
        props.findError ? null : (
          <p class="muted" role="status">
            {props.find ? 'Not on the list.' : 'The list is empty.'}
          </p>
        )
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="muted">Newest first</caption>
            <thead>
              <tr>
                <th scope="col">Address or domain</th>
                <th scope="col">Kind</th>
                <th scope="col">Reason</th>
                <th scope="col">Added</th>
                <th scope="col">
                  <span class="muted">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {props.suppressions.map((s) => (
                <tr>
                  <td>{s.value ?? <span class="muted">erased reader (hash only)</span>}</td>
                  <td>{s.kind}</td>
                  <td>{s.reason}</td>
                  <td>
                    <time datetime={s.created_at}>{s.created_at.slice(0, 10)}</time>
                  </td>
                  <td>
                    <form method="post" action={`/admin/suppressions/${s.id}/remove`} class="inline">
                      <CsrfField token={props.csrf} />
                      <button class="secondary" aria-label={`Remove ${s.value ?? 'this hash-only entry'}`}>
                        Remove
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label="Pages" class="actions">
        {props.paged ? <a href="/admin/suppressions">First page</a> : null}
        {props.nextCursor !== null ? (
          <a href={`/admin/suppressions?cursor=${props.nextCursor}`} rel="next">
            Next page
          </a>
        ) : null}
      </nav>
    </DeskPage>
  );
}
