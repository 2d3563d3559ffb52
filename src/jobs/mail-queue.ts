import { addMs, iso } from '../clock.js';
import type { Deps } from '../deps.js';
import type { ExpressionBuilder } from 'kysely';
import type { Database, MailKind, SubscriberStatus } from '../db/database.js';
import { listUnsubscribeHeaders, mailDomainOf } from '../mail/list-headers.js';
import { toMailError } from '../mail/mailer.js';
import { getSettings, type Settings } from '../settings/settings.js';
import { memberLinks } from '../subscriptions/member-links.js';
import { backoffMs } from './backoff.js';
import { createTurnstile } from './turnstile.js';

const LEASE_MS = 120_000;
const BATCH = 25;

const SUBJECTS: Record<MailKind, string> = {
  confirm: 'Confirm your subscription to {{publication}}',
  welcome: 'Welcome to {{publication}}',
};

/**
 * Whether a queued mail may still go out when its turn comes. A reader who left may ask to come
 * back (a confirmation queued after leaving), but confirmations queued before they left must not
 * follow them out: one click on "unsubscribe" stops a subscription-bombing run.
 */
function stillWanted(kind: MailKind, member: { status: SubscriberStatus; unsubscribed_at: string | null }, queuedAt: string): boolean {
  if (kind === 'welcome') return member.status === 'active';
  return member.status === 'pending' || (member.status === 'unsubscribed' && member.unsubscribed_at !== null && member.unsubscribed_at < queuedAt);
}

/**
 * Sends due transactional mail (confirmations, welcomes). Rows are claimed with a lease: if the
 * process dies mid-send, the lease runs out and another pass sends them again. Returns how many
 * rows it handled, so the worker loop knows whether to poll again at once.
 */
export async function processMailQueue(deps: Deps): Promise<number> {
  const { db, clock, config } = deps;
  const now = clock.now();
  const nowIso = iso(now);
  const due = (eb: ExpressionBuilder<Database, 'mail_queue'>) =>
    eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', nowIso), eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', nowIso)])]);
  const claimed = await db
    .updateTable('mail_queue')
    .set((eb) => ({ lease_until: iso(addMs(now, LEASE_MS)), attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', db.selectFrom('mail_queue').select('id').where(due).orderBy('next_attempt_at').limit(BATCH))
    .where(due)
    .returning(['id', 'kind', 'subscriber_id', 'attempts', 'created_at'])
    .execute();
  if (claimed.length === 0) return 0;

  const settings = await getSettings(db, config);
  const subscribers = await db
    .selectFrom('subscribers')
    .select(['id', 'email', 'name', 'status', 'unsubscribed_at'])
    .where('id', 'in', claimed.map((c) => c.subscriber_id))
    .execute();
  const byId = new Map(subscribers.map((s) => [s.id, s]));

  // As many sends in flight as the SMTP pool has connections, but one message built per
  // event-loop turn: nodemailer builds a message in one synchronous burst (~1.5 ms), and 25 of
  // them back to back held subscribe requests up for 20-100 ms under load.
  const nextTurn = createTurnstile();
  const queue = [...claimed];
  const lane = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      await nextTurn();
      await handleJob(deps, settings, job, byId.get(job.subscriber_id), now);
    }
  };
  await Promise.all(Array.from({ length: Math.min(config.sendConcurrency, claimed.length) }, lane));
  return claimed.length;
}

interface ClaimedJob {
  id: number;
  kind: MailKind;
  attempts: number;
  created_at: string;
}

type Member = { id: number; email: string; name: string | null; status: SubscriberStatus; unsubscribed_at: string | null };

/** Sends one claimed mail (or skips it) and records the outcome; a hard bounce stops the address. */
async function handleJob(deps: Deps, settings: Settings, job: ClaimedJob, member: Member | undefined, now: Date): Promise<void> {
  const { clock, config } = deps;
  if (!member || !stillWanted(job.kind, member, job.created_at)) {
    await finish(deps, job.id, { status: 'skipped', last_error: `subscriber is ${member?.status ?? 'gone'}` });
    return;
  }
  const messageId = `<${job.kind}-${job.id}@${mailDomainOf(settings.sender_email)}>`;
  try {
    await send(deps, settings, job.kind, member, messageId, now);
    await finish(deps, job.id, { status: 'sent', sent_at: iso(clock.now()), message_id: messageId });
  } catch (error) {
    const failure = toMailError(error);
    deps.logger.warn('mail.failed', { id: job.id, kind: job.kind, attempts: job.attempts, permanent: failure.permanent, error: failure.message });
    if (failure.permanent || job.attempts >= config.sendMaxAttempts) {
      await finish(deps, job.id, { status: 'failed', last_error: failure.message });
      if (failure.permanent) await markBounced(deps, member.id);
    } else {
      const retryAt = addMs(clock.now(), backoffMs(config.sendRetryDelayMs, job.attempts));
      await finish(deps, job.id, { status: 'pending', last_error: failure.message, next_attempt_at: iso(retryAt) });
    }
  }
}

async function send(
  deps: Deps,
  settings: Settings,
  kind: MailKind,
  member: { id: number; email: string; name: string | null },
  messageId: string,
  now: Date,
): Promise<void> {
  const template = await deps.renderer.template(kind, SUBJECTS[kind]);
  const links = memberLinks(settings.public_url, deps.tokens, member.id);
  const values = {
    ...links,
    publication: settings.name,
    postal_address: settings.postal_address,
    name: member.name ?? 'there',
    email: member.email,
    archive_url: `${settings.public_url}/posts`,
    confirm_url: `${settings.public_url}/confirm/${deps.tokens.sign('confirm', member.id, now)}`,
    subject: '',
    preheader: kind === 'confirm' ? 'One click to confirm your subscription' : 'Your subscription is confirmed',
  };
  const rendered = template.render(values);
  await deps.mailer.send({
    from: { name: settings.sender_name, address: settings.sender_email },
    to: { address: member.email, ...(member.name ? { name: member.name } : {}) },
    ...(settings.reply_to ? { replyTo: settings.reply_to } : {}),
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    headers: listUnsubscribeHeaders(links.unsubscribe_url, deps.config.unsubscribeMailto),
    messageId,
  });
}

async function finish(
  deps: Deps,
  id: number,
  change: { status: 'pending' | 'sent' | 'failed' | 'skipped'; sent_at?: string; message_id?: string; last_error?: string; next_attempt_at?: string },
): Promise<void> {
  await deps.db.updateTable('mail_queue').set({ ...change, lease_until: null }).where('id', '=', id).execute();
}

// A hard bounce on a confirmation means the address does not exist: stop mailing it.
async function markBounced(deps: Deps, subscriberId: number): Promise<void> {
  const now = iso(deps.clock.now());
  await deps.db
    .updateTable('subscribers')
    .set({ status: 'bounced', updated_at: now })
    .where('id', '=', subscriberId)
    .where('status', 'in', ['pending', 'active', 'unsubscribed'])
    .execute();
}
