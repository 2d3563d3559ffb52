import type { SendSummary } from '../../../sending/send-summary.js';
import type { SubscriberStats } from '../../../subscribers/subscriber-stats.js';
import type { DeskEditor } from '../desk-env.js';
import { DeskPage } from '../desk-layout.js';
import { SendsTable } from '../sends/sends-table.js';
import { GrowthTable } from './growth-table.js';

export interface DashboardProps {
  editor: DeskEditor;
  csrf: string;
  active: number;
  days: SubscriberStats['days'];
  sends: SendSummary[];
  bounced: Map<number, number>;
}

/** The list at a glance: who is subscribed, how it moved lately, and how the last sends went. */
export function DashboardPage(props: DashboardProps) {
  const sum = (key: 'subscribes' | 'unsubscribes') => props.days.reduce((n, d) => n + d[key], 0);
  const figures = [
    ['Active subscribers', props.active],
    [`Joined in the last ${props.days.length} days`, sum('subscribes')],
    [`Unsubscribed in the last ${props.days.length} days`, sum('unsubscribes')],
  ] as const;
  return (
    <DeskPage title="Dashboard" section="dashboard" editor={props.editor} csrf={props.csrf}>
      <section aria-labelledby="glance-heading">
        <h2 id="glance-heading">At a glance</h2>
        <div class="grid">
          {figures.map(([label, n]) => (
            <div class="card">
              <p class="muted">{label}</p>
              <p class="stat">{n}</p>
            </div>
          ))}
        </div>
      </section>
      <section aria-labelledby="sends-heading">
        <h2 id="sends-heading">Latest sends</h2>
        {props.sends.length === 0 ? (
          <p class="muted">No sends yet: publishing a post with mailing on starts one.</p>
        ) : (
          <SendsTable caption="The latest sends, newest first" sends={props.sends} bounced={props.bounced} />
        )}
        <p>
          <a href="/admin/sends">All sends</a>
        </p>
      </section>
      <section aria-labelledby="growth-heading">
        <h2 id="growth-heading">Growth</h2>
        <GrowthTable days={props.days} />
      </section>
    </DeskPage>
  );
}
