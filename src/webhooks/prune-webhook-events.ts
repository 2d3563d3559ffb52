import { addMs, iso } from '../clock.js';
import type { Deps } from '../deps.js';

// Longer than any window in which a notification is accepted (SNS: an hour; generic: 5 minutes).
const KEEP_MS = 2 * 86_400_000;
const EVERY_MS = 3_600_000;

/**
 * A worker task that forgets webhook event ids too old to be accepted again anyway, at most once
 * an hour. Returns how many it deleted.
 */
export function webhookEventPruner(deps: Pick<Deps, 'db' | 'clock'>): () => Promise<number> {
  let due = 0;
  return async () => {
    const now = deps.clock.now();
    if (now.getTime() < due) return 0;
    due = now.getTime() + EVERY_MS;
    const result = await deps.db.deleteFrom('webhook_events').where('received_at', '<', iso(addMs(now, -KEEP_MS))).executeTakeFirst();
    return Number(result.numDeletedRows);
  };
}
