import { atomic } from '../db/atomic.js';
import { sql, type Updateable } from 'kysely';
import { iso } from '../clock.js';
import type { Db, SubscribersTable } from '../db/database.js';
import type { Deps } from '../deps.js';
import { Conflict, NotFound } from '../errors.js';
import { isSuppressed } from '../suppressions/is-suppressed.js';
import { addressSuppression, domainOf } from '../suppressions/suppression-value.js';
import { parseName } from '../subscriptions/email-address.js';
import { mergeAttributes } from './attributes.js';
import { getSubscriber, type SubscriberDetail } from './get-subscriber.js';
import { addTags, parseTags } from './tags.js';

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

/** Edits a subscriber; everything changes together or nothing does. */
export async function updateSubscriber(deps: Pick<Deps, 'db' | 'clock'>, id: number, input: UpdateSubscriberInput): Promise<SubscriberDetail> {
  const name = input.name === undefined ? undefined : parseName(input.name);
  const tags = input.tags && parseTags(input.tags);
  const now = iso(deps.clock.now());

  await atomic(deps.db, async (trx) => {
    const row = await trx.selectFrom('subscribers').select(['id', 'email_normalized', 'status', 'attributes']).where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFound(`No subscriber with id ${id}`);
    const changes: Updateable<SubscribersTable> = {};
    if (name !== undefined) changes.name = name;
    if (input.attributes) changes.attributes = JSON.stringify(mergeAttributes(JSON.parse(row.attributes) as Record<string, unknown>, input.attributes));
    if (tags) {
      await trx.deleteFrom('subscriber_tags').where('subscriber_id', '=', id).execute();
      await addTags(trx, tags.map((tag) => ({ subscriber_id: id, tag })));
    }
    if (input.clear_suppression) {
      await trx.deleteFrom('suppressions').where('kind', '=', 'address').where('value_hash', '=', addressSuppression(row.email_normalized).hash).execute();
    }
    if (input.status === 'unsubscribed' && row.status !== 'unsubscribed') await unsubscribe(trx, row, now);
    if (input.status === 'active' && row.status !== 'active') await activate(trx, row, input.clear_suppression === true, now);
    await trx.updateTable('subscribers').set({ ...changes, updated_at: now }).where('id', '=', id).execute();
  });
  return getSubscriber(deps, id);
}

type Current = { id: number; email_normalized: string; status: SubscribersTable['status'] };

async function unsubscribe(db: Db, row: Current, now: string): Promise<void> {
  const done = await db
    .updateTable('subscribers')
    .set({ status: 'unsubscribed', unsubscribed_at: now })
    .where('id', '=', row.id)
    .where('status', 'in', ['pending', 'active'])
    .returning('id')
    .executeTakeFirst();
  if (!done) throw new Conflict(`A ${row.status} subscriber cannot be unsubscribed; it is already never mailed`);
}

/** The editor vouches for consent: recorded as such, whatever the reader did before. */
async function activate(db: Db, row: Current, clearing: boolean, now: string): Promise<void> {
  const bounced = row.status === 'bounced' || row.status === 'complained';
  // When clearing, the address's own entry is already gone: what remains is its domain's.
  const suppressed = await isSuppressed(db, row.email_normalized);
  if (!clearing && (bounced || suppressed)) {
    throw new Conflict(`This address is ${bounced ? row.status : 'on the suppression list'}; send "clear_suppression": true to mail it again`);
  }
  if (suppressed) {
    throw new Conflict(`The domain ${domainOf(row.email_normalized)} is on the suppression list; remove it there first`);
  }
  const done = await db
    .updateTable('subscribers')
    .set({
      status: 'active',
      consent_basis: 'editor',
      consent_at: now,
      confirmed_at: sql<string>`coalesce(confirmed_at, ${now})`,
      unsubscribed_at: null,
    })
    .where('id', '=', row.id)
    .where('status', 'in', clearing ? ['pending', 'unsubscribed', 'bounced', 'complained'] : ['pending', 'unsubscribed'])
    .returning('id')
    .executeTakeFirst();
  if (!done) throw new Conflict('The subscriber changed meanwhile; try again');
}
