import { atomic } from '../db/atomic.js';
import { iso } from '../clock.js';
import type { BounceKind } from '../db/database.js';
import type { Deps } from '../deps.js';
import { DomainError } from '../errors.js';
import { insertSuppression } from '../suppressions/manage-suppressions.js';
import { addressSuppression } from '../suppressions/suppression-value.js';
import { parseEmailAddress } from '../subscriptions/email-address.js';

/** One authenticated bounce or complaint notification, whatever provider sent it. */
export interface BounceNotice {
  provider: string;
  /** The provider's id for the notification: applying the same id twice changes nothing. */
  eventId: string;
  kind: BounceKind;
  recipients: string[];
  detail: string | null;
  occurredAt: string;
}

export interface BounceOutcome {
  status: 'processed' | 'duplicate';
  /** Recipients that are (or were) subscribers. */
  matched: number;
  /** Addresses newly put on the suppression list. */
  suppressed: number;
}

const MAX_RECIPIENTS = 100;

/**
 * Applies a notification once. A hard bounce makes the subscriber `bounced`, a complaint
 * `complained`, and both put the address on the suppression list (even if it is no subscriber:
 * it must never be mailed again). A soft bounce is only recorded against the subscriber. The
 * event id is recorded in the same transaction, so a replay, even a concurrent one, is a no-op.
 */
export async function recordBounce(deps: Pick<Deps, 'db' | 'clock'>, notice: BounceNotice): Promise<BounceOutcome> {
  const now = iso(deps.clock.now());
  const addresses = [...new Set(notice.recipients.slice(0, MAX_RECIPIENTS).flatMap((r) => parsed(r)))];
  return atomic(deps.db, async (trx) => {
    const fresh = await trx
      .insertInto('webhook_events')
      .values({ provider: notice.provider, event_id: notice.eventId, received_at: now })
      .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
      .returning('event_id')
      .executeTakeFirst();
    if (!fresh) return { status: 'duplicate', matched: 0, suppressed: 0 };

    let matched = 0;
    let suppressed = 0;
    for (const normalized of addresses) {
      if (notice.kind !== 'soft') {
        const reason = notice.kind === 'hard' ? 'bounce' : 'complaint';
        if (await insertSuppression(trx, addressSuppression(normalized), reason, now)) suppressed++;
        await trx
          .updateTable('subscribers')
          .set({ status: notice.kind === 'hard' ? 'bounced' : 'complained', updated_at: now })
          .where('email_normalized', '=', normalized)
          .where('status', 'in', notice.kind === 'hard' ? ['pending', 'active', 'unsubscribed'] : ['pending', 'active', 'unsubscribed', 'bounced'])
          .execute();
      }
      const subscriber = await trx.selectFrom('subscribers').select('id').where('email_normalized', '=', normalized).executeTakeFirst();
      if (!subscriber) continue;
      matched++;
      await trx
        .insertInto('bounce_events')
        .values({ subscriber_id: subscriber.id, provider: notice.provider, kind: notice.kind, detail: notice.detail, occurred_at: notice.occurredAt, created_at: now })
        .execute();
    }
    return { status: 'processed', matched, suppressed };
  });
}

// Providers report what the receiving server said; an address we cannot read cannot be ours.
function parsed(recipient: string): string[] {
  try {
    return [parseEmailAddress(recipient).normalized];
  } catch (error) {
    if (error instanceof DomainError) return [];
    throw error;
  }
}
