import type { SendSummary } from '../../../sending/send-summary.js';
import { SendStatusBadge } from './send-status.js';
import { UtcTime } from '../utc-time.js';
import { TableRegion } from './table-region.js';

/** Sends with their counts, each linking to its page: the dashboard's latest and the full list. */
export function SendsTable(props: { caption: string; sends: SendSummary[]; bounced: Map<number, number> }) {
  return (
    <TableRegion label={props.caption}>
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Subject</th>
            <th scope="col">Status</th>
            <th scope="col">Total</th>
            <th scope="col">Sent</th>
            <th scope="col">Failed</th>
            <th scope="col">Of which bounced</th>
            <th scope="col">Skipped</th>
            <th scope="col">Unknown</th>
            <th scope="col">Pending</th>
            <th scope="col">Started</th>
            <th scope="col">Finished</th>
          </tr>
        </thead>
        <tbody>
          {props.sends.map((s) => (
            <tr>
              <th scope="row">
                <a href={`/admin/sends/${s.id}`}>{s.subject}</a>
              </th>
              <td>
                <SendStatusBadge status={s.status} />
              </td>
              <td>{s.total}</td>
              <td>{s.sent}</td>
              <td>{s.failed}</td>
              <td>{props.bounced.get(s.id) ?? 0}</td>
              <td>{s.skipped}</td>
              <td>{s.unknown}</td>
              <td>{s.pending}</td>
              <td>
                <UtcTime at={s.started_at} />
              </td>
              <td>
                <UtcTime at={s.finished_at} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}
