import { createHash } from 'node:crypto';
import { domainToASCII } from 'node:url';
import isFQDNModule from 'validator/lib/isFQDN.js';
import type { SuppressionKind } from '../db/database.js';
import { Invalid } from '../errors.js';
import { parseEmailAddress } from '../subscriptions/email-address.js';

// validator ships CommonJS whose typings describe an ES default export; take the function either way.
const isFQDN = isFQDNModule.default;

export interface SuppressionValue {
  kind: SuppressionKind;
  /** Lower-cased address, or lower-cased ASCII domain. */
  value: string;
  hash: string;
}

/**
 * Entries are looked up by hash, never by clear text, so an entry whose owner was erased (clear
 * text gone) still blocks the address. A plain SHA-256 rather than an HMAC: rotating SECRET must
 * never quietly re-open mail to people who complained.
 */
export function suppressionHash(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function addressSuppression(normalizedEmail: string): SuppressionValue {
  return { kind: 'address', value: normalizedEmail, hash: suppressionHash(normalizedEmail) };
}

export function domainSuppression(domain: string): SuppressionValue {
  return { kind: 'domain', value: domain, hash: suppressionHash(domain) };
}

/** The domain of an already normalised address. */
export function domainOf(normalizedEmail: string): string {
  return normalizedEmail.slice(normalizedEmail.lastIndexOf('@') + 1);
}

/** `reader@example.com` is an address; `example.com` or `@example.com` is a whole domain. */
export function parseSuppressionValue(input: string): SuppressionValue {
  const trimmed = input.trim();
  if (trimmed.includes('@') && !trimmed.startsWith('@')) return addressSuppression(parseEmailAddress(trimmed).normalized);
  const domain = domainToASCII(trimmed.replace(/^@/, '').toLowerCase());
  if (!domain || !isFQDN(domain, { require_tld: true, allow_underscores: false, allow_trailing_dot: false })) {
    throw new Invalid('value must be an email address or a domain such as example.com');
  }
  return domainSuppression(domain);
}
