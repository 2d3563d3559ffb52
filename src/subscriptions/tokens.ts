import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What a token lets its holder do. `confirm` tokens expire; `manage` tokens (unsubscribe and
 * preferences links) never do, because mailbox providers may use List-Unsubscribe months later.
 */
export type TokenPurpose = 'confirm' | 'manage';

export interface VerifiedToken {
  subscriberId: number;
  issuedAt: Date;
}

export interface Tokens {
  sign(purpose: TokenPurpose, subscriberId: number, issuedAt: Date): string;
  /** The token's claims, or null for anything forged, truncated or malformed. */
  verify(purpose: TokenPurpose, token: string): VerifiedToken | null;
}

const MAC_LENGTH = 22; // 128 bits of base64url
const TOKEN_SHAPE = /^[0-9a-z]{1,12}\.[0-9a-z]{1,12}\.[A-Za-z0-9_-]{22}$/;

/**
 * Stateless tokens: `id.issued.mac` with an HMAC-SHA256 over the purpose and claims, keyed with
 * SECRET. Nothing is stored, so issuing a token costs no write, and changing SECRET revokes all —
 * unless the old secret is listed in `previous` (SECRET_PREVIOUS): tokens are always signed with
 * `secret`, but verified against it and then each previous one, so unsubscribe links already in
 * inboxes keep working through a rotation.
 */
export function createTokens(secret: string, previous: readonly string[] = []): Tokens {
  const mac = (key: string, purpose: TokenPurpose, id: string, issued: string) =>
    createHmac('sha256', key).update(`${purpose}.${id}.${issued}`).digest('base64url').slice(0, MAC_LENGTH);
  const verifiers = [secret, ...previous];

  return {
    sign(purpose, subscriberId, issuedAt) {
      const id = subscriberId.toString(36);
      const issued = issuedAt.getTime().toString(36);
      return `${id}.${issued}.${mac(secret, purpose, id, issued)}`;
    },
    verify(purpose, token) {
      if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) return null;
      const [id, issued, given] = token.split('.') as [string, string, string];
      const givenBytes = Buffer.from(given);
      // Every key is tried, so the time taken does not tell which one (if any) matched.
      let valid = false;
      for (const key of verifiers) valid = timingSafeEqual(givenBytes, Buffer.from(mac(key, purpose, id, issued))) || valid;
      if (!valid) return null;
      const subscriberId = parseInt(id, 36);
      const issuedAt = new Date(parseInt(issued, 36));
      if (!Number.isSafeInteger(subscriberId) || Number.isNaN(issuedAt.getTime())) return null;
      return { subscriberId, issuedAt };
    },
  };
}
