import { atomicBatch } from '../db/atomic.js';
import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { Conflict, Unprocessable } from '../errors.js';
import { isSuppressed } from '../suppressions/is-suppressed.js';
import { parseEmailAddress, parseName } from '../subscriptions/email-address.js';
import { queueMailFor } from '../subscriptions/enqueue-mail.js';
import { mergeAttributes } from './attributes.js';
import { getSubscriber, type SubscriberDetail } from './get-subscriber.js';
import { parseTags, tagsFor } from './tags.js';

export interface CreateSubscriberInput {
  email: string;
  name?: string | null | undefined;
  tags?: string[] | undefined;
  attributes?: Record<string, unknown> | undefined;
  /** `pending` (default) mails a confirmation; `active` records that the editor vouches for consent. */
  status?: 'pending' | 'active' | undefined;
}

/**
 * Adds one reader on the editor's behalf. Unlike the public form, an existing address is a
 * 409: the editor is entitled to know, and should edit that subscriber instead.
 */
export async function createSubscriber(
  deps: Pick<Deps, 'db' | 'clock' | 'wakeWorker'>,
  input: CreateSubscriberInput,
): Promise<SubscriberDetail> {
  const { email, normalized } = parseEmailAddress(input.email);
  const name = parseName(input.name);
  const tags = parseTags(input.tags ?? []);
  const attributes = mergeAttributes({}, input.attributes ?? {});
  const status = input.status ?? 'pending';
  const now = iso(deps.clock.now());
  if (await isSuppressed(deps.db, normalized)) {
    throw new Unprocessable('This address is on the suppression list; remove it there first if mail to it should resume.');
  }

  // The reader, their tags and their confirmation are one unit, atomic on D1 too: a pending
  // reader without a confirmation could never confirm. The later statements find the new row by
  // its address and this request's instant, so an existing subscriber gets nothing of this one
  // (a duplicate request in the very same millisecond may add its tags to the first one's row).
  const created = deps.db
    .selectFrom('subscribers')
    .select('id')
    .where('email_normalized', '=', normalized)
    .where('created_at', '=', now)
    .where('source', '=', 'admin');
  const [inserted] = await atomicBatch(deps.db, [
    deps.db
      .insertInto('subscribers')
      .values({
        email,
        email_normalized: normalized,
        name,
        status,
        source: 'admin',
        consent_at: now,
        consent_basis: status === 'active' ? 'editor' : 'double_opt_in',
        attributes: JSON.stringify(attributes),
        created_at: now,
        updated_at: now,
        confirmed_at: status === 'active' ? now : null,
      })
      .onConflict((oc) => oc.column('email_normalized').doNothing())
      .returning('id'),
    tagsFor(deps.db, created, tags),
    ...(status === 'pending' ? [queueMailFor(deps.db, 'confirm', now, (eb) => eb('subscribers.id', 'in', created))] : []),
  ]);
  const row = inserted!.rows[0] as { id: number } | undefined;
  if (!row) {
    const existing = await deps.db.selectFrom('subscribers').select('id').where('email_normalized', '=', normalized).executeTakeFirst();
    throw new Conflict(`A subscriber with this address already exists (id ${existing?.id ?? '?'})`);
  }
  if (status === 'pending') deps.wakeWorker();
  return getSubscriber(deps, row.id);
}
