import { sql, type ExpressionBuilder, type UpdateObject } from 'kysely';
import { atomicBatch } from '../db/atomic.js';
import { iso } from '../clock.js';
import type { Database, Db, SubscribersTable, SuppressionKind } from '../db/database.js';
import { subscriberLock } from '../db/dialect.js';
import type { Deps } from '../deps.js';
import { Conflict, NotFound } from '../errors.js';
import { addressSuppression, domainOf, domainSuppression } from '../suppressions/suppression-value.js';
import { parseName } from '../subscriptions/email-address.js';
import { mergeAttributes } from './attributes.js';
import { getSubscriber, type SubscriberDetail } from './get-subscriber.js';
import { parseTags, tagsFor } from './tags.js';

export interface UpdateSubscriberInput {
  name?: string | null | undefined;
  /** Replaces the subscriber's tags. */
  tags?: string[] | undefined;
  /** Merged into the attributes; a key set to null is removed. */
  attributes?: Record<string, unknown> | undefined;
  status?: 'active' | 'unsubscribed' | undefined;
  /** Needed to (re)activate a bounced, complained or suppressed address: the editor says it is fine now. */
  clear_suppression?: boolean | undefined;
}

/**
 * Edits a subscriber; everything changes together or nothing does, on D1 too (one atomicBatch).
 * What to change is decided on a read before the batch, and every statement of the batch applies
 * only while the subscriber is still as read (status and attributes), so a concurrent change makes
 * the whole edit a 409 to retry rather than half of it.
 */
export async function updateSubscriber(deps: Pick<Deps, 'db' | 'clock'>, id: number, input: UpdateSubscriberInput): Promise<SubscriberDetail> {
  const { db } = deps;
  const name = input.name === undefined ? undefined : parseName(input.name);
  const tags = input.tags && parseTags(input.tags);
  const clearing = input.clear_suppression === true;
  const now = iso(deps.clock.now());

  const row = await db.selectFrom('subscribers').select(['id', 'email_normalized', 'status', 'attributes']).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound(`No subscriber with id ${id}`);
  const changes: Changes = { updated_at: now };
  if (name !== undefined) changes.name = name;
  if (input.attributes) changes.attributes = JSON.stringify(mergeAttributes(JSON.parse(row.attributes) as Record<string, unknown>, input.attributes));
  if (input.status === 'unsubscribed' && row.status !== 'unsubscribed') Object.assign(changes, unsubscribing(row, now));
  const activating = input.status === 'active' && row.status !== 'active';
  // When clearing, the address's own entry goes in the batch: what may still block it is its domain's.
  const blocking = listed(db, row.email_normalized, clearing ? ['domain'] : ['address', 'domain']);
  if (activating) Object.assign(changes, await activation(row, clearing, (await blocking.executeTakeFirst()) !== undefined, now));

  const asRead = (eb: ExpressionBuilder<Database, 'subscribers'>) => eb.and([eb('subscribers.id', '=', id), eb('subscribers.status', '=', row.status), eb('subscribers.attributes', '=', row.attributes)]);
  const stillAsRead = db.selectFrom('subscribers').select('id').where(asRead);
  const results = await atomicBatch(db, [
    ...subscriberLock(db, id),
    ...(tags ? [db.deleteFrom('subscriber_tags').where('subscriber_id', 'in', stillAsRead), tagsFor(db, stillAsRead, tags)] : []),
    ...(clearing
      ? [db.deleteFrom('suppressions').where('kind', '=', 'address').where('value_hash', '=', addressSuppression(row.email_normalized).hash).where((eb) => eb.exists(stillAsRead))]
      : []),
    // Last, as it changes what the statements above check.
    db
      .updateTable('subscribers')
      .set(changes)
      .where(asRead)
      .$if(activating, (qb) => qb.where((eb) => eb.not(eb.exists(blocking))))
      .returning('id'),
  ]);
  if (results.at(-1)!.rows.length === 0) {
    await getSubscriber(deps, id); // 404 when erased meanwhile
    throw new Conflict('The subscriber changed meanwhile; try again');
  }
  return getSubscriber(deps, id);
}

type Changes = UpdateObject<Database, 'subscribers'>;
type Current = { id: number; email_normalized: string; status: SubscribersTable['status'] };

/** The suppression entries, of these kinds, that block this address. */
function listed(db: Db, normalizedEmail: string, kinds: SuppressionKind[]) {
  const entries = { address: addressSuppression(normalizedEmail), domain: domainSuppression(domainOf(normalizedEmail)) };
  return db
    .selectFrom('suppressions')
    .select('id')
    .where((eb) => eb.or(kinds.map((kind) => eb.and([eb('kind', '=', kind), eb('value_hash', '=', entries[kind].hash)]))));
}

function unsubscribing(row: Current, now: string): Changes {
  if (row.status !== 'pending' && row.status !== 'active') throw new Conflict(`A ${row.status} subscriber cannot be unsubscribed; it is already never mailed`);
  return { status: 'unsubscribed', unsubscribed_at: now };
}

/** The editor vouches for consent: recorded as such, whatever the reader did before. */
function activation(row: Current, clearing: boolean, suppressed: boolean, now: string): Changes {
  const bounced = row.status === 'bounced' || row.status === 'complained';
  if (!clearing && (bounced || suppressed)) {
    throw new Conflict(`This address is ${bounced ? row.status : 'on the suppression list'}; send "clear_suppression": true to mail it again`);
  }
  if (suppressed) {
    throw new Conflict(`The domain ${domainOf(row.email_normalized)} is on the suppression list; remove it there first`);
  }
  return {
    status: 'active',
    consent_basis: 'editor',
    consent_at: now,
    confirmed_at: sql<string>`coalesce(confirmed_at, ${now})`,
    unsubscribed_at: null,
  };
}
