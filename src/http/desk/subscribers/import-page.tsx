import { IMPORT_COLUMNS } from '../../../subscribers/import/import-columns.js';
import type { ImportResult } from '../../../subscribers/import/import-subscribers.js';
import type { DeskEditor } from '../desk-env.js';
import { CsrfField, DeskPage } from '../desk-layout.js';
import { ErrorNotice } from './notices.js';

/**
 * The upload form. Without script it posts as any form does; with it (subscribers-js.ts), the
 * same form is sent by XMLHttpRequest so the `<progress>` can show the upload, and the answer
 * page replaces this one.
 */
export function ImportPage(props: { editor: DeskEditor; csrf: string; doubleOptIn: boolean; maxMegabytes: number; error?: string | undefined }) {
  return (
    <DeskPage title="Import readers from CSV" section="subscribers" editor={props.editor} csrf={props.csrf}>
      <ErrorNotice error={props.error} />
      <form method="post" action="/admin/subscribers/import" enctype="multipart/form-data" class="card stack" data-import-form>
        <CsrfField token={props.csrf} />
        <div>
          <label for="file">CSV file (at most {props.maxMegabytes} MB)</label>
          <input type="file" id="file" name="file" accept=".csv,text/csv" required aria-describedby="columns-help" />
        </div>
        <div>
          <input type="checkbox" id="double_opt_in" name="double_opt_in" value="yes" checked={props.doubleOptIn} />{' '}
          <label for="double_opt_in" class="inline">
            Double opt-in: mail each new reader a confirmation, and mail them only once they confirm
          </label>
          <p class="muted">Unticked, new readers are added active: you vouch that they consented.</p>
        </div>
        <div class="actions">
          <button>Import</button>
          <a href="/admin/subscribers">Cancel</a>
        </div>
        <progress max={100} value={0} hidden data-import-progress aria-label="Upload"></progress>
        <p aria-live="polite" data-import-status></p>
      </form>
      <h2>Columns</h2>
      <div class="card" id="columns-help">
        <p>
          The first line is a header row naming the columns, in any order: <code>{IMPORT_COLUMNS.join(', ')}</code>. Only <code>email</code> is required; other columns
          are ignored, so another platform's export imports as it is. UTF-8, with or without a byte order mark.
        </p>
        <ul>
          <li>
            <code>tags</code>: separated by commas or semicolons inside the cell (quote a cell with commas).
          </li>
          <li>
            <code>status</code>: empty, <code>active</code>, <code>pending</code>, <code>unsubscribed</code>, <code>bounced</code> or <code>complained</code>. A known reader's status only ever
            moves away from being mailed.
          </li>
          <li>
            <code>created_at</code>: an ISO 8601 date or date-time, not in the future.
          </li>
        </ul>
        <p>Known addresses are merged (name replaced when given, tags added). Suppressed addresses are never brought back. A malformed file imports nothing.</p>
      </div>
    </DeskPage>
  );
}

/** What the import did, with the rows it could not use. */
export function ImportResultPage(props: { editor: DeskEditor; csrf: string; result: ImportResult }) {
  const r = props.result;
  return (
    <DeskPage title="Import finished" section="subscribers" editor={props.editor} csrf={props.csrf}>
      <div class="grid">
        {(
          [
            ['Created', r.created],
            ['Updated', r.updated],
            ['Skipped (nothing to change)', r.skipped],
            ['Invalid', r.invalid],
          ] as const
        ).map(([label, n]) => (
          <div class="card">
            <p class="muted">{label}</p>
            <p class="stat" data-count={label.split(' ')[0]!.toLowerCase()}>
              {n}
            </p>
          </div>
        ))}
      </div>
      {r.confirmations_queued > 0 ? <p>{r.confirmations_queued} confirmation mails are on their way.</p> : null}
      {r.ignored_columns.length > 0 ? <p>Columns ignored: {r.ignored_columns.join(', ')}</p> : null}
      {r.errors.length > 0 ? (
        <>
          <h2>Rows not imported</h2>
          <div class="table-wrap">
            <table>
              <caption class="muted">{r.errors_truncated ? `The first ${r.errors.length} of ${r.invalid} invalid rows` : 'Every invalid row'}</caption>
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">Address</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {r.errors.map((e) => (
                  <tr>
                    <td>{e.line}</td>
                    <td>{e.email}</td>
                    <td>{e.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      <p class="actions">
        <a href="/admin/subscribers">To the subscribers</a>
        <a href="/admin/subscribers/import">Import another file</a>
      </p>
    </DeskPage>
  );
}
