import type { SelectQueryBuilder } from 'kysely';
import { atomicBatch } from '../db/atomic.js';
import { iso } from '../clock.js';
import type { BounceKind, Database, Db, SuppressionKind, SuppressionReason } from '../db/database.js';
import { textIn } from '../db/id-list.js';
import { jsonRows } from '../db/json-rows.js';
import type { Deps } from '../deps.js';
import { DomainError } from '../errors.js';
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
 * it must never be mailed again). A soft bounce is only recorded against the subscriber.
 *
 * One atomicBatch, so on D1 too the event id is recorded together with its effects, or neither
 * is: an id recorded without them would make the provider's retry a no-op. Each effect applies
 * only if this request recorded the event (its id, received now), so a replay, even a concurrent
 * one, changes nothing. Every effect is also idempotent, for a concurrent replay in the same
 * millisecond: the suppression and status changes are conditional, and a bounce already recorded
 * now for the same subscriber, provider, kind and time is not recorded again.
 */
export async function recordBounce(deps: Pick<Deps, 'db' | 'clock'>, notice: BounceNotice): Promise<BounceOutcome> {
  const { db } = deps;
  const now = iso(deps.clock.now());
  const addresses = [...new Set(notice.recipients.slice(0, MAX_RECIPIENTS).flatMap((r) => parsed(r)))];
  const fresh = db
    .selectFrom('webhook_events')
    .select('event_id')
    .where('provider', '=', notice.provider)
    .where('event_id', '=', notice.eventId)
    .where('received_at', '=', now);
  const [event, ...effects] = await atomicBatch(db, [
    db
      .insertInto('webhook_events')
      .values({ provider: notice.provider, event_id: notice.eventId, received_at: now })
      .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
      .returning('event_id'),
    ...(notice.kind === 'soft' ? [] : undeliverable(db, notice.kind, addresses, now, fresh)),
    db
      .insertInto('bounce_events')
      .columns(['subscriber_id', 'provider', 'kind', 'detail', 'occurred_at', 'created_at'])
      .expression(
        db
          .selectFrom('subscribers as s')
          .select((eb) => [
            's.id',
            eb.val(notice.provider).as('provider'),
            eb.val(notice.kind).as('kind'),
            eb.val(notice.detail).as('detail'),
            eb.val(notice.occurredAt).as('occurred_at'),
            eb.val(now).as('created_at'),
          ])
          .where(textIn(db, 's.email_normalized', addresses))
          .where((eb) => eb.exists(fresh))
          .where((eb) =>
            eb.not(
              eb.exists(
                eb
                  .selectFrom('bounce_events as b')
                  .select('b.id')
                  .whereRef('b.subscriber_id', '=', 's.id')
                  .where('b.provider', '=', notice.provider)
                  .where('b.kind', '=', notice.kind)
                  .where('b.occurred_at', '=', notice.occurredAt)
                  .where('b.created_at', '=', now),
              ),
            ),
          ),
      )
      .returning('id'),
  ]);
  if (event!.rows.length === 0) return { status: 'duplicate', matched: 0, suppressed: 0 };
  const recorded = effects.at(-1)!;
  const suppressed = notice.kind === 'soft' ? 0 : effects[0]!.rows.length;
  return { status: 'processed', matched: recorded.rows.length, suppressed };
}

/**
 * A hard bounce's or a complaint's statements: the addresses go on the suppression list (the
 * first statement returns those that were new) and their subscribers become bounced or complained.
 */
function undeliverable(db: Db, kind: Exclude<BounceKind, 'soft'>, addresses: readonly string[], now: string, fresh: SelectQueryBuilder<Database, 'webhook_events', { event_id: string }>) {
  const reason: SuppressionReason = kind === 'hard' ? 'bounce' : 'complaint';
  const entries = addresses.map((address) => {
    const { value, hash } = addressSuppression(address);
    return { value, hash };
  });
  return [
    db
      .insertInto('suppressions')
      .columns(['kind', 'value', 'value_hash', 'reason', 'created_at'])
      .expression(
        db
          .selectFrom(jsonRows(db, entries, { value: 'text', hash: 'text' }).as('a'))
          .select((eb) => [eb.val<SuppressionKind>('address').as('kind'), 'a.value', 'a.hash', eb.val(reason).as('reason'), eb.val(now).as('created_at')])
          .where((eb) => eb.exists(fresh)),
      )
      .onConflict((oc) => oc.columns(['kind', 'value_hash']).doNothing())
      .returning('id'),
    db
      .updateTable('subscribers')
      .set({ status: kind === 'hard' ? 'bounced' : 'complained', updated_at: now })
      .where(textIn(db, 'email_normalized', addresses))
      .where('status', 'in', kind === 'hard' ? ['pending', 'active', 'unsubscribed'] : ['pending', 'active', 'unsubscribed', 'bounced'])
      .where((eb) => eb.exists(fresh)),
  ];
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
