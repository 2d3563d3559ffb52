import { verify } from 'node:crypto';
import { z } from 'zod';
import { Invalid, Unauthorized } from '../errors.js';
import type { SnsCertificates } from './sns-certificates.js';

const SnsMessageSchema = z.object({
  Type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
  MessageId: z.string().min(1).max(200),
  TopicArn: z.string().min(1).max(300),
  Subject: z.string().nullish(),
  Message: z.string(),
  Timestamp: z.string(),
  SignatureVersion: z.enum(['1', '2']),
  Signature: z.string(),
  SigningCertURL: z.string(),
  SubscribeURL: z.string().optional(),
  Token: z.string().optional(),
});

export type SnsMessage = z.infer<typeof SnsMessageSchema>;

// The fields each message type signs, in this order (AWS "Verifying the signatures of Amazon SNS messages").
const SIGNED_FIELDS: Record<SnsMessage['Type'], Array<keyof SnsMessage>> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

/** The string SNS signs: "Name\nvalue\n" for each signed field present. */
export function snsStringToSign(message: SnsMessage): string {
  return SIGNED_FIELDS[message.Type]
    .filter((field) => message[field] !== undefined && message[field] !== null)
    .map((field) => `${field}\n${message[field]}\n`)
    .join('');
}

/** Parses an SNS HTTP delivery and checks its signature (version 1: SHA1, version 2: SHA256). */
export async function verifiedSnsMessage(body: string, certificates: SnsCertificates): Promise<SnsMessage> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new Invalid('The body is not an SNS message (not JSON)');
  }
  const parsed = SnsMessageSchema.safeParse(json);
  if (!parsed.success) throw new Invalid('The body is not an SNS message');
  const message = parsed.data;
  const key = await certificates.publicKey(message.SigningCertURL);
  const algorithm = message.SignatureVersion === '1' ? 'sha1' : 'sha256';
  const valid = verify(algorithm, Buffer.from(snsStringToSign(message), 'utf8'), key, Buffer.from(message.Signature, 'base64'));
  if (!valid) throw new Unauthorized('The SNS message signature does not verify');
  return message;
}
