import { addMs, iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { isSuppressed } from '../suppressions/is-suppressed.js';
import { parseEmailAddress, parseName } from './email-address.js';
import { confirmMailsSince, enqueueMail } from './enqueue-mail.js';

export interface SubscribeInput {
  email: unknown;
  name?: unknown;
  /** The form or channel: recorded with the consent. */
  source: string;
  ip?: string | undefined;
  userAgent?: string | undefined;
}

export type SubscribeOutcome = 'confirmation_queued' | 'confirmation_capped' | 'already_active' | 'suppressed';

const DAY_MS = 86_400_000;

/**
 * Starts double opt-in for an address. Callers must answer every outcome the same way, so the
 * response never reveals whether an address is on the list. A reader already active gets no
 * mail; one who left, or never confirmed, gets a fresh confirmation (capped per day, so the
 * form cannot be used to bomb somebody's inbox).
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
    const inserted = await trx
      .insertInto('subscribers')
      .values({ email, email_normalized: normalized, name, status: 'pending', created_at: now, ...consent })
      .onConflict((oc) => oc.column('email_normalized').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) {
      await enqueueMail(trx, 'confirm', inserted.id, now);
      return 'confirmation_queued';
    }

    const existing = await trx
      .selectFrom('subscribers')
      .select(['id', 'status'])
      .where('email_normalized', '=', normalized)
      .executeTakeFirstOrThrow();
    if (existing.status === 'active') return 'already_active';
    if (existing.status === 'bounced' || existing.status === 'complained') return 'suppressed';

    const sent = await confirmMailsSince(trx, existing.id, iso(addMs(nowDate, -DAY_MS)));
    if (sent >= deps.config.confirmMailsPerDay) return 'confirmation_capped';
    // The newest request is the one a confirmation will prove, so its consent details win. A
    // reader who once confirmed keeps their name: an unconfirmed request cannot rewrite it.
    await trx
      .updateTable('subscribers')
      .set({ ...consent, ...(name && existing.status === 'pending' ? { name } : {}) })
      .where('id', '=', existing.id)
      .execute();
    await enqueueMail(trx, 'confirm', existing.id, now);
    return 'confirmation_queued';
  });

  if (outcome === 'confirmation_queued') deps.wakeWorker();
  return outcome;
}
