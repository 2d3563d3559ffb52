import { atomicBatchWithin } from '../db/atomic.js';
import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { isSuppressed } from '../suppressions/is-suppressed.js';
import { parseEmailAddress, parseName } from './email-address.js';
import { enqueueConfirmation, queueMailFor } from './enqueue-mail.js';

export interface SubscribeInput {
  email: unknown;
  name?: unknown;
  /** The form or channel: recorded with the consent. */
  source: string;
  ip?: string | undefined;
  userAgent?: string | undefined;
}

/** `confirmation_held`: one is already on its way, or the day's cap is reached; nothing new is sent. */
export type SubscribeOutcome = 'confirmation_queued' | 'confirmation_held' | 'already_active' | 'suppressed';

/**
 * Starts double opt-in for an address. Callers must answer every outcome the same way, so the
 * response never reveals whether an address is on the list. A reader already active gets no
 * mail; one who left, or never confirmed, gets a fresh confirmation — at most one per window
 * and CONFIRM_MAILS_PER_DAY a day however many requests arrive at once (`enqueueConfirmation`),
 * so the form cannot be used to bomb somebody's inbox.
 */
export async function subscribe(deps: Pick<Deps, 'groupCommit' | 'clock' | 'config' | 'wakeWorker'>, input: SubscribeInput): Promise<SubscribeOutcome> {
  const { email, normalized } = parseEmailAddress(input.email);
  const name = parseName(input.name);
  const nowDate = deps.clock.now();
  const now = iso(nowDate);
  const consent = {
    source: input.source,
    consent_ip: input.ip ?? null,
    consent_user_agent: input.userAgent?.slice(0, 500) ?? null,
    consent_at: now,
    consent_basis: 'double_opt_in' as const,
    updated_at: now,
  };

  const outcome = await deps.groupCommit.run(async (trx): Promise<SubscribeOutcome> => {
    // Nothing is stored for a suppressed address: it could never confirm, and may be an erased person's.
    if (await isSuppressed(trx, normalized)) return 'suppressed';
    // A new reader and their confirmation are one unit, atomic on D1 too (where `trx` is no
    // transaction): a pending reader without a confirmation could never confirm.
    const [inserted] = await atomicBatchWithin(trx, [
      trx
        .insertInto('subscribers')
        .values({ email, email_normalized: normalized, name, status: 'pending', created_at: now, ...consent })
        .onConflict((oc) => oc.column('email_normalized').doNothing())
        .returning('id'),
      queueMailFor(trx, 'confirm', now, (eb) => eb.and([eb('email_normalized', '=', normalized), eb('created_at', '=', now), eb('status', '=', 'pending')])),
    ]);
    if (inserted!.rows.length > 0) return 'confirmation_queued';

    // A reader already there: the throttle reads and then decides (enqueueConfirmation), which
    // D1's statements one after another still honour, as its INSERT … SELECT decides alone and
    // the consent UPDATE below only refreshes details of a request it has accepted.
    const existing = await trx
      .selectFrom('subscribers')
      .select(['id', 'status'])
      .where('email_normalized', '=', normalized)
      .executeTakeFirstOrThrow();
    if (existing.status === 'active') return 'already_active';
    if (existing.status === 'bounced' || existing.status === 'complained') return 'suppressed';

    if (!(await enqueueConfirmation(trx, existing.id, nowDate, deps.config.confirmMailsPerDay))) return 'confirmation_held';
    // The newest request is the one the new confirmation will prove, so its consent details win.
    // A reader who once confirmed keeps their name: an unconfirmed request cannot rewrite it.
    await trx
      .updateTable('subscribers')
      .set({ ...consent, ...(name && existing.status === 'pending' ? { name } : {}) })
      .where('id', '=', existing.id)
      .execute();
    return 'confirmation_queued';
  });

  if (outcome === 'confirmation_queued') deps.wakeWorker();
  return outcome;
}
