import { atomicBatch } from '../db/atomic.js';
import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { Invalid, NotFound } from '../errors.js';
import { queueMailFor } from './enqueue-mail.js';

export type ConfirmOutcome = 'confirmed' | 'already_confirmed';

/** Confirmation links older than this are refused; the reader can simply subscribe again. */
export const CONFIRM_TOKEN_TTL_MS = 7 * 86_400_000;

/**
 * Turns a pending (or departed, re-subscribing) reader active and queues the welcome mail, in
 * one unit (atomicBatch, atomic on D1 too). The status change is a single conditional UPDATE and
 * the welcome is conditional on it, so two clicks racing each other confirm once and welcome once.
 */
export async function confirmSubscription(
  deps: Pick<Deps, 'db' | 'clock' | 'tokens' | 'wakeWorker'>,
  token: string,
  ip?: string,
): Promise<ConfirmOutcome> {
  const claims = deps.tokens.verify('confirm', token);
  if (!claims) throw new Invalid('This confirmation link is not valid.');
  const nowDate = deps.clock.now();
  if (nowDate.getTime() - claims.issuedAt.getTime() > CONFIRM_TOKEN_TTL_MS) {
    throw new Invalid('This confirmation link has expired. Please subscribe again.');
  }
  const now = iso(nowDate);
  const issued = iso(claims.issuedAt);

  const [activated] = await atomicBatch(deps.db, [
    deps.db
      .updateTable('subscribers')
      .set({ status: 'active', confirmed_at: now, confirm_ip: ip ?? null, unsubscribed_at: null, updated_at: now })
      .where('id', '=', claims.subscriberId)
      // A link mailed before the reader unsubscribed (or in the same millisecond) must not bring them back.
      .where((eb) => eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'unsubscribed'), eb('unsubscribed_at', '<', issued)])]))
      .returning('id'),
    // Only the reader the UPDATE above has just activated: the values it set are the proof.
    queueMailFor(deps.db, 'welcome', now, (eb) =>
      eb.and([eb('id', '=', claims.subscriberId), eb('status', '=', 'active'), eb('confirmed_at', '=', now), eb('updated_at', '=', now)]),
    ),
  ]);
  const confirmed = activated!.rows.length > 0;
  if (confirmed) {
    deps.wakeWorker();
    return 'confirmed';
  }

  const current = await deps.db.selectFrom('subscribers').select('status').where('id', '=', claims.subscriberId).executeTakeFirst();
  if (!current) throw new NotFound('This subscription no longer exists.');
  if (current.status === 'active') return 'already_confirmed';
  throw new Invalid('This confirmation link can no longer be used. Please subscribe again.');
}

/** Checks a confirmation link without using it (the GET page), so a bad link fails early. */
export function inspectConfirmToken(deps: Pick<Deps, 'clock' | 'tokens'>, token: string): void {
  const claims = deps.tokens.verify('confirm', token);
  if (!claims) throw new Invalid('This confirmation link is not valid.');
  if (deps.clock.now().getTime() - claims.issuedAt.getTime() > CONFIRM_TOKEN_TTL_MS) {
    throw new Invalid('This confirmation link has expired. Please subscribe again.');
  }
}
