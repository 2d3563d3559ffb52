import type { SubscriberStats } from '../../../subscribers/subscriber-stats.js';
import { TableRegion } from '../sends/table-region.js';

/**
 * Joins and unsubscribes per day as a table: the numbers are the content, each followed by a
 * meter scaled to the busiest day for a glance (hidden from screen readers, which read the
 * number). Meters need no style attribute, which the desk's CSP forbids.
 */
export function GrowthTable(props: { days: SubscriberStats['days'] }) {
  const peak = Math.max(1, ...props.days.flatMap((d) => [d.subscribes, d.unsubscribes]));
  const newestFirst = [...props.days].reverse();
  return (
    <TableRegion label="Growth per day">
      <table class="growth">
        <caption>Subscribers who joined and who unsubscribed per UTC day, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Joined</th>
            <th scope="col">Unsubscribed</th>
          </tr>
        </thead>
        <tbody>
          {newestFirst.map((d) => (
            <tr>
              <th scope="row">
                <time datetime={d.date}>{d.date}</time>
              </th>
              {[d.subscribes, d.unsubscribes].map((n) => (
                <td>
                  <span class="growth-count">{n}</span> <meter aria-hidden="true" min={0} max={peak} value={n}></meter>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}
