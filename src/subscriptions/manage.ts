import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import type { SubscriberStatus } from '../db/database.js';
import { Invalid, NotFound } from '../errors.js';
import { isSuppressed } from '../suppressions/is-suppressed.js';
import { parseName } from './email-address.js';
import { enqueueConfirmation } from './enqueue-mail.js';

export interface Membership {
  id: number;
  email: string;
  name: string | null;
  status: SubscriberStatus;
}

type ManageDeps = Pick<Deps, 'db' | 'clock' | 'tokens' | 'config' | 'wakeWorker'>;

/** The subscriber a manage token (unsubscribe or preferences link) belongs to. */
export async function findByManageToken(deps: Pick<Deps, 'db' | 'tokens'>, token: string): Promise<Membership> {
  const claims = deps.tokens.verify('manage', token);
  if (!claims) throw new Invalid('This link is not valid.');
  const row = await deps.db
    .selectFrom('subscribers')
    .select(['id', 'email', 'name', 'status'])
    .where('id', '=', claims.subscriberId)
    .executeTakeFirst();
  if (!row) throw new NotFound('This subscription no longer exists.');
  return row;
}

/**
 * Unsubscribes the holder of a manage token. Idempotent: mailbox providers retry one-click
 * POSTs, and a second click must still say "you are unsubscribed".
 */
export async function unsubscribe(deps: ManageDeps, token: string): Promise<Membership> {
  const member = await findByManageToken(deps, token);
  const now = iso(deps.clock.now());
  await deps.db
    .updateTable('subscribers')
    .set({ status: 'unsubscribed', unsubscribed_at: now, updated_at: now })
    .where('id', '=', member.id)
    .where('status', 'in', ['active', 'pending'])
    .execute();
  return { ...member, status: member.status === 'active' || member.status === 'pending' ? 'unsubscribed' : member.status };
}

export type PreferencesAction = 'save' | 'leave' | 'resubscribe';

export type PreferencesOutcome = 'saved' | 'unsubscribed' | 'already_subscribed' | 'confirmation_queued';

/**
 * Changes a reader's own subscription. Coming back always takes a confirmation mail, even for a
 * reader who once confirmed: the preferences link travels in every newsletter, so whoever it was
 * forwarded to holds it, and only the mailbox may say "mail me again" (POST /confirm/:token).
 */
export async function updatePreferences(
  deps: ManageDeps,
  token: string,
  input: { action: PreferencesAction; name?: unknown },
): Promise<PreferencesOutcome> {
  const member = await findByManageToken(deps, token);
  const nowDate = deps.clock.now();
  if (input.action === 'leave') {
    await unsubscribe(deps, token);
    return 'unsubscribed';
  }
  if (input.action === 'save') {
    const name = parseName(input.name);
    await deps.db.updateTable('subscribers').set({ name, updated_at: iso(nowDate) }).where('id', '=', member.id).execute();
    return 'saved';
  }
  if (member.status === 'bounced' || member.status === 'complained' || (await isSuppressed(deps.db, member.email.toLowerCase()))) {
    throw new Invalid('Mail to this address could not be delivered, so it cannot be resubscribed here. Please contact the publication.');
  }
  if (member.status === 'active') return 'already_subscribed';
  // Held (one already on its way, or the day's cap reached) answers the same: check your inbox.
  if (await enqueueConfirmation(deps.db, member.id, nowDate, deps.config.confirmMailsPerDay)) deps.wakeWorker();
  return 'confirmation_queued';
}
