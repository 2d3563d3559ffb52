import { CONTROLLABLE_FROM, type SendControl } from '../../../sending/control-send.js';
import type { SendFailurePage } from '../../../sending/list-send-failures.js';
import type { SendSummary } from '../../../sending/send-summary.js';
import type { DeskEditor } from '../desk-env.js';
import { CsrfField, DeskPage } from '../desk-layout.js';
import { SendStatusBadge } from './send-status.js';
import { UtcTime } from '../utc-time.js';
import { TableRegion } from './table-region.js';

export interface SendPageProps {
  editor: DeskEditor;
  csrf: string;
  send: SendSummary;
  bounced: number;
  failures: SendFailurePage;
  /** The failures page shown (a cursor), so that paging keeps its place. */
  failuresCursor?: string;
  notice?: string;
  error?: string;
}

const CONTROLS: ReadonlyArray<readonly [SendControl, string, string]> = [
  ['pause', 'Pause', 'secondary'],
  ['resume', 'Resume', ''],
  ['cancel', 'Cancel this send for good', 'danger'],
];

const COUNTS = [
  ['sent', 'Sent'],
  ['failed', 'Failed (bounces included)'],
  ['skipped', 'Skipped'],
  ['unknown', 'Unknown (answer lost, never resent)'],
  ['pending', 'Pending'],
] as const;

/**
 * One send: live progress, its controls and its failures. Without script, the Refresh link
 * reloads the counts; no automatic reload, which would move focus and interrupt screen readers.
 */
export function SendPage(props: SendPageProps) {
  const { send } = props;
  const base = `/admin/sends/${send.id}`;
  const controls = CONTROLS.filter(([action]) => (CONTROLLABLE_FROM[action] as readonly string[]).includes(send.status));
  return (
    <DeskPage title={`Send: ${send.subject}`} section="sends" editor={props.editor} csrf={props.csrf}>
      {props.notice && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      {props.error && (
        <p class="notice error" role="alert">
          {props.error}
        </p>
      )}
      <section class="card" aria-labelledby="progress-heading" data-poll={`${base}/progress.json`} data-status={send.status}>
        <h2 id="progress-heading">Progress</h2>
        <p>
          Status: <SendStatusBadge status={send.status} live />
        </p>
        <p class="warn" data-field="reason" hidden={!send.reason}>
          {send.reason ? `Reason: ${send.reason}` : ''}
        </p>
        <label for="send-progress">
          <span data-field="handled">{send.total - send.pending}</span> of <span data-count="total">{send.total}</span> readers handled
        </label>
        <progress id="send-progress" max={Math.max(send.total, 1)} value={send.total - send.pending}></progress>
        <dl class="send-counts" aria-live="polite">
          {COUNTS.map(([key, label]) => (
            <div>
              <dt>{label}</dt>
              <dd data-count={key}>{send[key]}</dd>
            </div>
          ))}
        </dl>
        <p class="actions">
          <a href={base}>Refresh</a>
        </p>
      </section>

      {controls.length > 0 && (
        <section class="card" aria-labelledby="controls-heading" data-controls>
          <h2 id="controls-heading">Controls</h2>
          <div class="actions">
            {controls.map(([action, label, tone]) => (
              <form method="post" action={`${base}/${action}`} data-confirm={action === 'cancel' ? 'Cancel this send? Readers not mailed yet will never get it.' : undefined}>
                <CsrfField token={props.csrf} />
                <button class={tone || undefined}>{label}</button>
              </form>
            ))}
          </div>
        </section>
      )}
      <p class="notice" data-stale hidden>
        This send's status changed. <a href={base}>Reload the page</a> for the controls that now apply.
      </p>

      <section class="card" aria-labelledby="details-heading">
        <h2 id="details-heading">Details</h2>
        <dl class="send-counts">
          <div>
            <dt>Subject</dt>
            <dd>{send.subject}</dd>
          </div>
          <div>
            <dt>Post</dt>
            <dd>
              <a href={`/admin/posts/${send.post_id}`}>{`Post #${send.post_id}`}</a>
            </dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd>
              <UtcTime at={send.created_at} />
            </dd>
          </div>
          <div>
            <dt>Started</dt>
            <dd>
              <UtcTime at={send.started_at} />
            </dd>
          </div>
          <div>
            <dt>Finished</dt>
            <dd>
              <UtcTime at={send.finished_at} />
            </dd>
          </div>
          <div>
            <dt>Rate</dt>
            <dd>{send.rate === null ? '—' : `${send.rate} messages/s`}</dd>
          </div>
        </dl>
      </section>

      <section aria-labelledby="failures-heading">
        <h2 id="failures-heading">Failures</h2>
        {send.failed > 0 && (
          <p>{`${props.bounced} of the ${send.failed} failed deliveries bounced: the address does not exist, so the reader is marked bounced and not mailed again.`}</p>
        )}
        {props.failures.failures.length === 0 ? (
          <p class="muted">No failed, bounced or unknown deliveries{props.failuresCursor ? ' after the ones already shown' : ''}.</p>
        ) : (
          <TableRegion label="Failures">
            <table>
              <caption>Deliveries that failed, bounced or lost their answer, with the mail server's last reply</caption>
              <thead>
                <tr>
                  <th scope="col">Recipient</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Server reply</th>
                </tr>
              </thead>
              <tbody>
                {props.failures.failures.map((f) => (
                  <tr>
                    <th scope="row">{f.email ?? <span class="muted">(erased)</span>}</th>
                    <td>{f.status}</td>
                    <td>{f.attempts}</td>
                    <td class="smtp-reply">{f.last_error ?? <span class="muted">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        )}
        {(props.failuresCursor || props.failures.next_cursor) && (
          <p class="actions">
            {props.failuresCursor && <a href={base}>First failures</a>}
            {props.failures.next_cursor && <a href={`${base}?failures=${props.failures.next_cursor}`}>More failures</a>}
          </p>
        )}
      </section>
    </DeskPage>
  );
}
