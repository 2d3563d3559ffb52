import { SUBSCRIBER_MAIL_LIMIT, type SentNotice, type SentPost } from '../../../subscribers/subscriber-mail.js';
import type { SubscriberDetail } from '../../../subscribers/get-subscriber.js';
import type { DeskEditor } from '../desk-env.js';
import { CsrfField, DeskPage } from '../desk-layout.js';
import { UtcTime } from '../utc-time.js';
import { DoneNotice, ErrorNotice } from './notices.js';

/** What the edit form shows: the reader's values, or the editor's after a refused save. */
export interface ReaderEdit {
  name: string;
  tags: string;
  status: '' | 'active' | 'unsubscribed';
  clearSuppression: boolean;
}

export const editOf = (s: SubscriberDetail): ReaderEdit => ({ name: s.name ?? '', tags: s.tags.join(', '), status: '', clearSuppression: false });

export interface ReaderPageProps {
  editor: DeskEditor;
  csrf: string;
  subscriber: SubscriberDetail;
  mail: { posts: SentPost[]; notices: SentNotice[] };
  edit: ReaderEdit;
  error?: string | undefined;
  done?: string | undefined;
}

const Maybe = (props: { value: string | null }) => (props.value ? <>{props.value}</> : <span class="muted">—</span>);
const attributeText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
/** One table for every kind of mail a reader was sent: what it was, its outcome, when, why not. */
function MailTable<Row extends { status: string; sent_at: string | null; last_error: string | null }>(props: { rows: Row[]; heading: string; name: (row: Row) => string; none: string }) {
  if (props.rows.length === 0) return <p class="muted">{props.none}</p>;
  return (
    <div class="table-wrap">
      <table>
        <caption class="muted">{newest(props.rows)}</caption>
        <thead>
          <tr>
            <th scope="col">{props.heading}</th>
            <th scope="col">Outcome</th>
            <th scope="col">Sent</th>
            <th scope="col">Last error</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr>
              <td>{props.name(row)}</td>
              <td>
                <span class="badge">{row.status}</span>
              </td>
              <td>
                <UtcTime at={row.sent_at} />
              </td>
              <td>
                <Maybe value={row.last_error} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const newest = (rows: unknown[]) => (rows.length === SUBSCRIBER_MAIL_LIMIT ? `The newest ${SUBSCRIBER_MAIL_LIMIT}` : 'Newest first');

/** One reader: where their consent comes from, what they were mailed, and the edit form. */
export function ReaderPage(props: ReaderPageProps) {
  const s = props.subscriber;
  const attributes = Object.entries(s.attributes);
  return (
    <DeskPage title={s.email} section="subscribers" editor={props.editor} csrf={props.csrf}>
      <DoneNotice done={props.done} />
      <p>
        <a href="/admin/subscribers">All subscribers</a>
      </p>
      <h2>Status and consent</h2>
      <dl class="card facts">
        <dt>Status</dt>
        <dd>
          <span class="badge">{s.status}</span>
        </dd>
        <dt>Name</dt>
        <dd>
          <Maybe value={s.name} />
        </dd>
        <dt>Came through</dt>
        <dd>{s.source}</dd>
        <dt>Consent basis</dt>
        <dd>{s.consent.basis === 'editor' ? 'editor (the editor vouches for consent)' : 'double opt-in (the reader confirmed by mail)'}</dd>
        <dt>Consent given</dt>
        <dd>
          <UtcTime at={s.consent.at} />
        </dd>
        <dt>Consent IP</dt>
        <dd>
          <Maybe value={s.consent.ip} />
        </dd>
        <dt>Consent user agent</dt>
        <dd>
          <Maybe value={s.consent.user_agent} />
        </dd>
        <dt>Confirmed</dt>
        <dd>
          <UtcTime at={s.confirmed_at} />
        </dd>
        <dt>Confirmation IP</dt>
        <dd>
          <Maybe value={s.consent.confirm_ip} />
        </dd>
        <dt>Added</dt>
        <dd>
          <UtcTime at={s.created_at} />
        </dd>
        <dt>Unsubscribed</dt>
        <dd>
          <UtcTime at={s.unsubscribed_at} />
        </dd>
        <dt>Bounces</dt>
        <dd>
          {s.bounces.hard} hard, {s.bounces.soft} soft, {s.bounces.complaint} complaints
        </dd>
      </dl>
      <h2>Tags and attributes</h2>
      <div class="card">
        <p>Tags: {s.tags.length ? s.tags.join(', ') : <span class="muted">none</span>}</p>
        {attributes.length ? (
          <dl class="facts">
            {attributes.map(([key, value]) => (
              <>
                <dt>{key}</dt>
                <dd>{attributeText(value)}</dd>
              </>
            ))}
          </dl>
        ) : (
          <p class="muted">No attributes.</p>
        )}
      </div>
      <h2>Newsletters sent</h2>
      <MailTable rows={props.mail.posts} heading="Subject" name={(p) => p.subject} none="No newsletter was mailed to this reader yet." />
      <h2>Confirmation and welcome mail</h2>
      <MailTable rows={props.mail.notices} heading="Mail" name={(n) => (n.kind === 'confirm' ? 'Confirmation' : 'Welcome')} none="None." />
      <h2 id="edit">Edit</h2>
      <ErrorNotice error={props.error} />
      <form method="post" action={`/admin/subscribers/${s.id}`} class="card stack">
        <CsrfField token={props.csrf} />
        <div>
          <label for="name">Name</label>
          <input type="text" id="name" name="name" value={props.edit.name} maxlength={100} />
        </div>
        <div>
          <label for="tags">Tags</label>
          <input type="text" id="tags" name="tags" value={props.edit.tags} aria-describedby="tags-help" />
          <p id="tags-help" class="muted">
            Separated by commas; these replace the reader's tags.
          </p>
        </div>
        <div>
          <label for="status">Status</label>
          <select id="status" name="status" aria-describedby="status-help">
            <option value="">Keep as {s.status}</option>
            <option value="active" selected={props.edit.status === 'active'}>
              active (I vouch for their consent)
            </option>
            <option value="unsubscribed" selected={props.edit.status === 'unsubscribed'}>
              unsubscribed
            </option>
          </select>
          <p id="status-help" class="muted">
            A bounced, complained or suppressed address is mailed again only if you also tick the box below.
          </p>
        </div>
        <div>
          <input type="checkbox" id="clear_suppression" name="clear_suppression" value="yes" checked={props.edit.clearSuppression} />{' '}
          <label for="clear_suppression" class="inline">
            Take this address off the suppression list
          </label>
        </div>
        <div class="actions">
          <button>Save</button>
        </div>
      </form>
      <h2>Erase</h2>
      <p>
        <a href={`/admin/subscribers/${s.id}/erase`}>Erase this reader…</a> <span class="muted">(asks first)</span>
      </p>
    </DeskPage>
  );
}
