import { z } from 'zod';
import type { Deps } from '../deps.js';
import { Invalid, NotFound, Unauthorized } from '../errors.js';
import { recordBounce, type BounceOutcome } from './record-bounce.js';
import { isSnsUrl, type SnsCertificates } from './sns-certificates.js';
import { verifiedSnsMessage, type SnsMessage } from './sns-message.js';

export type SesOutcome = BounceOutcome | { status: 'subscribed' | 'ignored' };

// SNS retries a delivery for at most an hour; anything older is a replay.
const MAX_AGE_MS = 3_600_000;
const MAX_SKEW_MS = 300_000;

// SES notifications (notificationType) and SES event publishing (eventType) share these shapes.
const Recipient = z.object({ emailAddress: z.string(), diagnosticCode: z.string().optional() });
const SesNotification = z.object({
  notificationType: z.string().optional(),
  eventType: z.string().optional(),
  bounce: z
    .object({ bounceType: z.string(), bounceSubType: z.string().optional(), bouncedRecipients: z.array(Recipient), timestamp: z.string().optional() })
    .optional(),
  complaint: z
    .object({ complainedRecipients: z.array(Recipient), complaintFeedbackType: z.string().optional(), timestamp: z.string().optional() })
    .optional(),
});

/**
 * An Amazon SES notification delivered by SNS. Trust comes from the SNS signature, checked
 * against AWS's certificate, and from the topic being one this publication configured: a
 * validly signed message from somebody else's topic is refused.
 */
export async function handleSesWebhook(deps: Pick<Deps, 'db' | 'clock' | 'config' | 'logger' | 'fetch'>, certificates: SnsCertificates, body: string): Promise<SesOutcome> {
  if (deps.config.sesTopicArns.length === 0) throw new NotFound('The ses bounce webhook is not configured (set SES_SNS_TOPIC_ARNS)');
  const message = await verifiedSnsMessage(body, certificates);
  if (!deps.config.sesTopicArns.includes(message.TopicArn)) throw new Unauthorized('This SNS topic is not one this server listens to');
  const age = deps.clock.now().getTime() - Date.parse(message.Timestamp);
  if (!(age <= MAX_AGE_MS && age >= -MAX_SKEW_MS)) throw new Invalid('The SNS message is too old (or from the future)');

  if (message.Type === 'SubscriptionConfirmation') return confirmSubscription(deps, message);
  if (message.Type === 'UnsubscribeConfirmation') {
    deps.logger.warn('webhook.sns_unsubscribed', { topic: message.TopicArn });
    return { status: 'ignored' };
  }
  return recordSesNotification(deps, message);
}

async function confirmSubscription(deps: Pick<Deps, 'logger' | 'fetch'>, message: SnsMessage): Promise<SesOutcome> {
  if (!message.SubscribeURL || !isSnsUrl(message.SubscribeURL)) throw new Invalid('SubscribeURL must be an https URL on sns.<region>.amazonaws.com');
  const response = await (deps.fetch ?? fetch)(message.SubscribeURL, { redirect: 'error', signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`SNS subscription confirmation failed: HTTP ${response.status}`);
  deps.logger.info('webhook.sns_subscribed', { topic: message.TopicArn });
  return { status: 'subscribed' };
}

async function recordSesNotification(deps: Pick<Deps, 'db' | 'clock'>, message: SnsMessage): Promise<SesOutcome> {
  let json: unknown;
  try {
    json = JSON.parse(message.Message);
  } catch {
    throw new Invalid('The SNS Message is not an SES notification (not JSON)');
  }
  const parsed = SesNotification.safeParse(json);
  if (!parsed.success) throw new Invalid('The SNS Message is not an SES notification');
  const n = parsed.data;
  const type = n.notificationType ?? n.eventType;
  const base = { provider: 'ses', eventId: message.MessageId, occurredAt: message.Timestamp };
  if (type === 'Bounce' && n.bounce) {
    const { bounce } = n;
    return recordBounce(deps, {
      ...base,
      // Transient and Undetermined bounces may clear up: counted, never suppressing.
      kind: bounce.bounceType === 'Permanent' ? 'hard' : 'soft',
      recipients: bounce.bouncedRecipients.map((r) => r.emailAddress),
      detail: `${bounce.bounceType}/${bounce.bounceSubType ?? ''} ${bounce.bouncedRecipients[0]?.diagnosticCode ?? ''}`.trim().slice(0, 500),
      occurredAt: bounce.timestamp ?? base.occurredAt,
    });
  }
  if (type === 'Complaint' && n.complaint) {
    return recordBounce(deps, {
      ...base,
      kind: 'complaint',
      recipients: n.complaint.complainedRecipients.map((r) => r.emailAddress),
      detail: n.complaint.complaintFeedbackType ?? null,
      occurredAt: n.complaint.timestamp ?? base.occurredAt,
    });
  }
  return { status: 'ignored' };
}
