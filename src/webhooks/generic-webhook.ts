import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { Invalid, NotFound, Unauthorized } from '../errors.js';
import { recordBounce, type BounceOutcome } from './record-bounce.js';

export const SIGNATURE_HEADER = 'X-Broadsheet-Signature';
const TOLERANCE_S = 300;

const GenericBounceSchema = z.object({
  /** Unique per event: a second delivery with the same id changes nothing. */
  id: z.string().min(1).max(200),
  type: z.enum(['bounce', 'complaint']),
  email: z.string().max(320),
  /** For bounces: `hard` suppresses the address, `soft` is only counted. */
  bounce_type: z.enum(['hard', 'soft']).optional(),
  reason: z.string().max(500).optional(),
  occurred_at: z.iso.datetime({ offset: true }).optional(),
});

/**
 * A bounce or complaint from any mail provider or relay, as JSON signed like Stripe's webhooks:
 * `X-Broadsheet-Signature: t=UNIX,v1=HEX` where HEX is HMAC-SHA256(BOUNCE_WEBHOOK_SECRET,
 * "t.body"). Several v1 values may be sent (while a secret is being rotated).
 */
export async function handleGenericWebhook(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  body: string,
  signature: string | undefined,
): Promise<BounceOutcome> {
  const secret = deps.config.bounceWebhookSecret;
  if (!secret) throw new NotFound('The generic bounce webhook is not configured (set BOUNCE_WEBHOOK_SECRET)');
  verifySignature(secret, body, signature ?? '', deps.clock.now());
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new Invalid('The body is not valid JSON');
  }
  const parsed = GenericBounceSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Invalid(`${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  const event = parsed.data;
  if (event.type === 'bounce' && !event.bounce_type) throw new Invalid('bounce_type (hard or soft) is required for a bounce');
  return recordBounce(deps, {
    provider: 'generic',
    eventId: event.id,
    kind: event.type === 'complaint' ? 'complaint' : event.bounce_type!,
    recipients: [event.email],
    detail: event.reason ?? null,
    occurredAt: event.occurred_at ? iso(new Date(event.occurred_at)) : iso(deps.clock.now()),
  });
}

function verifySignature(secret: string, body: string, header: string, now: Date): void {
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = parts.find(([k]) => k === 't')?.[1] ?? '';
  const given = parts.filter(([k, v]) => k === 'v1' && /^[0-9a-f]{64}$/i.test(v ?? '')).map(([, v]) => Buffer.from(v!, 'hex'));
  if (!/^\d{1,12}$/.test(t) || given.length === 0) throw new Unauthorized(`Missing or malformed ${SIGNATURE_HEADER} header`);
  if (Math.abs(now.getTime() / 1000 - Number(t)) > TOLERANCE_S) throw new Unauthorized('The signature timestamp is outside the 5-minute tolerance');
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  if (!given.some((g) => timingSafeEqual(g, expected))) throw new Unauthorized('The signature does not match');
}
