import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { unlimitedPacer, type Pacer } from './pacer.js';

/** The deployment-wide schedule that mailings draw their slots from. */
const SCHEDULE = 'send';

/**
 * Spaces sends to at most `perSecond` (SEND_RATE_PER_SECOND) for every worker on the database
 * together. The database holds the deployment's next free slot; a worker reserves a run of
 * ceil(R/10) slots (a tenth of a second's worth) with one upsert that moves it on, then hands
 * them out locally, in order, so concurrent callers queue fairly without a busy loop. Reserved
 * runs never overlap, so all workers together keep to R/s whatever their number, with one
 * statement per run and no retries. A slot left unused for longer than one interval (the worker
 * found no more work, or fell behind) is dropped rather than spent late, so stale slots never
 * add up to a burst. `now` is wall-clock milliseconds: processes on several machines compare
 * it, so their clocks must agree (NTP) to within the burst one tolerates.
 */
export function createSharedPacer(db: Db, perSecond: number, now: () => number = Date.now): Pacer {
  if (perSecond <= 0) return unlimitedPacer;
  const intervalUs = 1e6 / perSecond;
  const run = Math.ceil(perSecond / 10);
  const spanUs = Math.round(run * intervalUs);
  let nextUs = 0;
  let left = 0;
  let reserving: Promise<void> | undefined;

  async function reserve(): Promise<void> {
    const nowUs = Math.round(now() * 1000);
    const { next_slot_us } = await db
      .insertInto('rate_schedules')
      .values({ name: SCHEDULE, next_slot_us: nowUs + spanUs })
      .onConflict((oc) =>
        oc.column('name').doUpdateSet((eb) => ({
          // The run starts at the schedule's next free slot, or now if the schedule has fallen idle.
          next_slot_us: sql<number>`case when ${eb.ref('rate_schedules.next_slot_us')} > ${nowUs} then ${eb.ref('rate_schedules.next_slot_us')} else ${nowUs} end + ${spanUs}`,
        })),
      )
      .returning('next_slot_us')
      .executeTakeFirstOrThrow();
    nextUs = next_slot_us - spanUs;
    left = run;
  }

  async function slot(): Promise<number> {
    for (;;) {
      const nowUs = now() * 1000;
      while (left > 0 && nextUs < nowUs - intervalUs) {
        left -= 1;
        nextUs += intervalUs;
      }
      if (left > 0) {
        left -= 1;
        nextUs += intervalUs;
        return nextUs - intervalUs;
      }
      reserving ??= reserve().finally(() => (reserving = undefined));
      await reserving;
    }
  }

  return {
    async wait() {
      const delayMs = (await slot()) / 1000 - now();
      if (delayMs >= 1) await new Promise((resolve) => setTimeout(resolve, delayMs));
    },
  };
}
