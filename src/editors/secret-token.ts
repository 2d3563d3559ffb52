import { bytesToBase64 } from '../mail/base64.js';

/** `bytes` random bytes as base64url: session cookies, one-time links, CSRF tokens. */
export function randomToken(bytes = 32): string {
  return bytesToBase64(crypto.getRandomValues(new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * The SHA-256 (hex) under which a token is stored. A plain hash is enough: the tokens carry
 * 256 random bits, so nothing is gained by trying inputs, and lookups stay one indexed read.
 */
export async function tokenHash(token: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Compares two byte strings in time that depends on their length only, not on where they differ. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** `constantTimeEqual` for strings (CSRF tokens, double-submit cookies). */
export const sameText = (a: string, b: string): boolean => constantTimeEqual(new TextEncoder().encode(a), new TextEncoder().encode(b));
