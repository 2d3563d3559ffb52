import type { Deps } from '../deps.js';
import { NotFound } from '../errors.js';
import { toViews, type SubscriberView } from './subscriber-view.js';

export interface SubscriberDetail extends SubscriberView {
  /** What the mail provider reported for this address. */
  bounces: { hard: number; soft: number; complaint: number; last_at: string | null };
}

export async function getSubscriber(deps: Pick<Deps, 'db'>, id: number): Promise<SubscriberDetail> {
  const row = await deps.db.selectFrom('subscribers').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound(`No subscriber with id ${id}`);
  const [view] = await toViews(deps.db, [row]);
  const counts = await deps.db
    .selectFrom('bounce_events')
    .select((eb) => ['kind', eb.fn.countAll<number>().as('n'), eb.fn.max('occurred_at').as('last_at')])
    .where('subscriber_id', '=', id)
    .groupBy('kind')
    .execute();
  const bounces: SubscriberDetail['bounces'] = { hard: 0, soft: 0, complaint: 0, last_at: null };
  for (const c of counts) {
    bounces[c.kind] = Number(c.n);
    if (!bounces.last_at || c.last_at > bounces.last_at) bounces.last_at = c.last_at;
  }
  return { ...view!, bounces };
}
