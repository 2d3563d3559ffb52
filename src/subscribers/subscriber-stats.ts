import { sql } from 'kysely';
import { addMs, iso } from '../clock.js';
import { SUBSCRIBER_STATUSES, type SubscriberStatus } from '../db/database.js';
import type { Deps } from '../deps.js';

export interface SubscriberStats {
  total: number;
  by_status: Record<SubscriberStatus, number>;
  /** One entry per UTC day, oldest first, today last; days without events are there with zeros. */
  days: Array<{ date: string; subscribes: number; unsubscribes: number }>;
}

export const STATS_DAYS = 90;
const DAY_MS = 86_400_000;

/**
 * Counts for the editor's dashboard. A "subscribe" is a subscriber created that day (sign-up,
 * admin or import, dated by created_at); an "unsubscribe" is a current unsubscribed_at.
 */
export async function subscriberStats(deps: Pick<Deps, 'db' | 'clock'>): Promise<SubscriberStats> {
  const today = iso(deps.clock.now()).slice(0, 10);
  const first = iso(addMs(new Date(`${today}T00:00:00.000Z`), -(STATS_DAYS - 1) * DAY_MS));
  // ISO timestamps start with the UTC date: grouping on the first ten characters is portable.
  const day = (column: 'created_at' | 'unsubscribed_at') => sql<string>`substr(${sql.ref(column)}, 1, 10)`;
  const perDay = (column: 'created_at' | 'unsubscribed_at') =>
    deps.db
      .selectFrom('subscribers')
      .select((eb) => [day(column).as('date'), eb.fn.countAll<number>().as('n')])
      .where(column, '>=', first)
      .groupBy(day(column))
      .execute();

  const [statuses, subscribes, unsubscribes] = await Promise.all([
    deps.db.selectFrom('subscribers').select((eb) => ['status', eb.fn.countAll<number>().as('n')]).groupBy('status').execute(),
    perDay('created_at'),
    perDay('unsubscribed_at'),
  ]);
  const by_status = Object.fromEntries(SUBSCRIBER_STATUSES.map((s) => [s, 0])) as Record<SubscriberStatus, number>;
  for (const row of statuses) by_status[row.status] = Number(row.n);
  const subs = new Map(subscribes.map((r) => [r.date, Number(r.n)]));
  const unsubs = new Map(unsubscribes.map((r) => [r.date, Number(r.n)]));
  const days = Array.from({ length: STATS_DAYS }, (_, i) => {
    const date = iso(addMs(new Date(first), i * DAY_MS)).slice(0, 10);
    return { date, subscribes: subs.get(date) ?? 0, unsubscribes: unsubs.get(date) ?? 0 };
  });
  return { total: Object.values(by_status).reduce((a, b) => a + b, 0), by_status, days };
}
