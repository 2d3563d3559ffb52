import { atomicBatch } from '../db/atomic.js';
import { idIn } from '../db/id-list.js';
import { jsonRows } from '../db/json-rows.js';
import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import type { AttemptOutcome, BuiltMessage, Dispatcher } from '../delivery/dispatcher.js';
import type { MailKind, SubscriberStatus } from '../db/database.js';
import { listUnsubscribeValue, mailDomainOf, ONE_CLICK } from '../mail/list-headers.js';
import { afterFailure } from '../mail/failure-policy.js';
import { toMailError } from '../mail/mailer.js';
import { loadInstallId, transactionalMessageId } from '../mail/message-id.js';
import { asText, escapeHtml, fillKnownPlaceholders, fillPlaceholders, splitPlaceholders } from '../render/placeholders.js';
import { createMimeTemplate, type MimeTemplate } from '../mail/mime-template.js';
import { getSettings, type Settings } from '../settings/settings.js';
import { notSuppressed } from '../suppressions/exclude-suppressed.js';
import { memberLinks } from '../subscriptions/member-links.js';
import { markBounced } from '../delivery/mark-bounced.js';
import { claimLeased, releaseLeased } from './claims.js';
import type { Task } from './worker.js';
import type { WorkerPresence } from './worker-presence.js';

const BATCH = 50;

const SUBJECTS: Record<MailKind, string> = {
  confirm: 'Confirm your subscription to {{publication}}',
  welcome: 'Welcome to {{publication}}',
};

const PREHEADERS: Record<MailKind, string> = {
  confirm: 'One click to confirm your subscription',
  welcome: 'Your subscription is confirmed',
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

type Member = { id: number; email: string; name: string | null; status: SubscriberStatus; unsubscribed_at: string | null };

type Outcome =
  | { id: number; status: 'sent'; message_id: string }
  | { id: number; status: 'skipped' | 'failed'; last_error: string; bounce?: number }
  | { id: number; status: 'pending'; last_error: string; next_attempt_at: string };

/**
 * Sends due transactional mail (confirmations, welcomes). Rows are claimed with a lease: if the
 * process dies mid-send, the lease runs out and another pass sends them again. Like mailings,
 * each kind is compiled once (per publication settings) into a MIME template, so a message costs
 * a substitution, not a MIME build; the outcomes of a pass are written in one transaction.
 */
export function createMailQueueTask(deps: Deps, presence: WorkerPresence, dispatcher: Dispatcher): Task {
  const { db, clock, config } = deps;
  const templates = new Map<string, Promise<MimeTemplate>>();
  // Never changes once made (migration 0006): read on the first pass only.
  let installId: string | undefined;

  function templateFor(kind: MailKind, settings: Settings, settingsKey: string): Promise<MimeTemplate> {
    const key = `${kind}\u0000${settingsKey}`;
    let template = templates.get(key);
    if (!template) {
      // Settings rarely change; when they do, the old entries are simply never asked for again.
      if (templates.size > 20) templates.clear();
      template = compileTemplate(kind, settings);
      template.catch(() => templates.delete(key));
      templates.set(key, template);
    }
    return template;
  }

  async function compileTemplate(kind: MailKind, settings: Settings): Promise<MimeTemplate> {
    const compiled = await deps.renderer.template(kind);
    // The subject is also the mail's <title> and its accessible name.
    const subject = fillPlaceholders(splitPlaceholders(SUBJECTS[kind]), { publication: settings.name }, asText);
    const shared = {
      publication: settings.name,
      postal_address: settings.postal_address,
      language: settings.language,
      archive_url: `${settings.public_url}/posts`,
      subject,
      preheader: PREHEADERS[kind],
    };
    return createMimeTemplate({
      from: { name: settings.sender_name, address: settings.sender_email },
      replyTo: settings.reply_to || null,
      subject,
      html: splitPlaceholders(fillKnownPlaceholders(compiled.html, shared, escapeHtml)),
      text: splitPlaceholders(fillKnownPlaceholders(compiled.text, shared, asText)),
      headers: { 'List-Unsubscribe-Post': ONE_CLICK },
    });
  }

  /** The message for one queued mail; throws if it cannot be built (the dispatcher fails it). */
  function build(mime: MimeTemplate, settings: Settings, job: ClaimedJob, member: Member, now: Date, install: string): BuiltMessage {
    const links = memberLinks(settings.public_url, deps.tokens, member.id);
    const raw = mime.build({
      to: member.email,
      toName: member.name,
      date: clock.now(),
      messageId: transactionalMessageId({ installId: install, domain: mailDomainOf(settings.sender_email) }, job.kind, job.id),
      listUnsubscribe: listUnsubscribeValue(links.unsubscribe_url, config.unsubscribeMailto),
      values: {
        ...links,
        name: member.name ?? 'there',
        email: member.email,
        ...(job.kind === 'confirm' ? { confirm_url: `${settings.public_url}/confirm/${deps.tokens.sign('confirm', member.id, now)}` } : {}),
      },
    });
    return { envelope: { from: settings.sender_email, to: member.email }, raw };
  }

  function outcomeOf(job: ClaimedJob, member: Member, messageId: string, outcome: AttemptOutcome): Outcome {
    if (outcome.status === 'sent') return { id: job.id, status: 'sent', message_id: messageId };
    deps.logger.warn('mail.failed', { id: job.id, kind: job.kind, attempts: job.attempts, outcome: outcome.status, error: outcome.error });
    if (outcome.status === 'bounced') return { id: job.id, status: 'failed', last_error: outcome.error, bounce: member.id };
    if (outcome.status === 'failed') return { id: job.id, status: 'failed', last_error: outcome.error };
    // The server may have it: never send it again. The queue keeps no separate status for that.
    if (outcome.status === 'unknown') return { id: job.id, status: 'failed', last_error: `Outcome unknown, not resent: ${outcome.error}` };
    return { id: job.id, status: 'pending', last_error: outcome.error, next_attempt_at: outcome.at };
  }

  return async () => {
    const now = clock.now();
    const claimed = await claimLeased(db, { table: 'mail_queue', limit: BATCH, now, leaseMs: config.sendLeaseMs, workerId: presence.id }, [
      'id',
      'kind',
      'subscriber_id',
      'attempts',
      'created_at',
    ]);
    if (claimed.length === 0) return 0;

    const settings = await getSettings(db, config);
    const install = (installId ??= await loadInstallId(db));
    const settingsKey = JSON.stringify(settings);
    const subscribers = await db
      .selectFrom('subscribers')
      .select(['id', 'email', 'name', 'status', 'unsubscribed_at'])
      .where(idIn(db, 'subscribers.id', claimed.map((c) => c.subscriber_id)))
      // Suppressed since the mail was queued: treated as gone, so it is skipped.
      .where(notSuppressed)
      .execute();
    const byId = new Map(subscribers.map((s) => [s.id, s]));

    const outcomes: Outcome[] = [];
    const undispatched: number[] = [];
    for (const job of claimed) {
      const member = byId.get(job.subscriber_id);
      if (!member || !stillWanted(job.kind, member, job.created_at)) {
        outcomes.push({ id: job.id, status: 'skipped', last_error: member ? `subscriber is ${member.status}` : 'subscriber is gone or suppressed' });
        continue;
      }
      // Our heartbeat is late: another worker may already have taken this row.
      if (!presence.holdsClaims()) {
        undispatched.push(job.id);
        continue;
      }
      let mime: MimeTemplate;
      try {
        mime = await templateFor(job.kind, settings, settingsKey);
      } catch (error) {
        // A template that does not compile now: the same policy as a failed attempt.
        const policy = { maxAttempts: config.sendMaxAttempts, retryDelayMs: config.sendRetryDelayMs, now: clock.now() };
        outcomes.push(outcomeOf(job, member, '', afterFailure(toMailError(error), job.attempts, policy)));
        continue;
      }
      const messageId = transactionalMessageId({ installId: install, domain: mailDomainOf(settings.sender_email) }, job.kind, job.id);
      await dispatcher.dispatch(
        () => build(mime, settings, job, member, now, install),
        job.attempts,
        (outcome) => outcomes.push(outcomeOf(job, member, messageId, outcome)),
      );
    }
    await dispatcher.settle();
    await record(deps, outcomes);
    if (undispatched.length > 0) await releaseLeased(db, 'mail_queue', undispatched);
    return claimed.length;
  };
}

interface ClaimedJob {
  id: number;
  kind: MailKind;
  attempts: number;
  created_at: string;
}

/**
 * One unit for the whole pass, whatever its size: one UPDATE reads every row's change from one
 * JSON parameter (D1 binds at most 100 values per statement and has no interactive transaction),
 * and a hard bounce on a confirmation also stops the address. A column an outcome does not
 * name keeps its value; a row no longer pending (recorded by another worker) is left alone.
 */
async function record(deps: Deps, outcomes: Outcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  const { db } = deps;
  const now = iso(deps.clock.now());
  const rows = outcomes.map((o) => ({
    job_id: o.id,
    status: o.status,
    message_id: o.status === 'sent' ? o.message_id : null,
    last_error: o.status === 'sent' ? null : o.last_error,
    next_attempt_at: o.status === 'pending' ? o.next_attempt_at : null,
  }));
  const columns = { job_id: 'bigint', status: 'text', message_id: 'text', last_error: 'text', next_attempt_at: 'text' } as const;
  const update = db
    .updateTable('mail_queue')
    .from(jsonRows(db, rows, columns).as('o'))
    .set((eb) => ({
      status: eb.ref('o.status'),
      message_id: eb.fn.coalesce('o.message_id', 'mail_queue.message_id'),
      last_error: eb.fn.coalesce('o.last_error', 'mail_queue.last_error'),
      next_attempt_at: eb.fn.coalesce('o.next_attempt_at', 'mail_queue.next_attempt_at'),
      sent_at: eb.case().when('o.status', '=', 'sent').then(now).else(eb.ref('mail_queue.sent_at')).end(),
      lease_until: null,
      claimed_by: null,
    }))
    .whereRef('mail_queue.id', '=', 'o.job_id')
    .where('mail_queue.status', '=', 'pending');
  const bounced = outcomes.flatMap((o) => ('bounce' in o && o.bounce !== undefined ? [o.bounce] : []));
  await atomicBatch(db, bounced.length > 0 ? [update, markBounced(db, bounced, now)] : [update]);
}
