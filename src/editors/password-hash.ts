import { base64ToBytes, bytesToBase64 } from '../mail/base64.js';
import { Invalid } from '../errors.js';
import { constantTimeEqual } from './secret-token.js';

/** OWASP's Password Storage Cheat Sheet figure for PBKDF2-HMAC-SHA256 (2023 onwards). */
export const PBKDF2_ITERATIONS = 600_000;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

const SALT_BYTES = 16;
const HASH_BITS = 256;
const ENCODED = /^pbkdf2-sha256\$(\d{1,9})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

/** Refuses a password an editor may not choose; the message is shown on the form. */
export function checkNewPassword(password: unknown): string {
  if (typeof password !== 'string' || password === '') throw new Invalid('Choose a password.');
  // Counted in characters as people see them, not UTF-16 units.
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) throw new Invalid(`Choose a password of at least ${PASSWORD_MIN_LENGTH} characters.`);
  if (length > PASSWORD_MAX_LENGTH) throw new Invalid(`Choose a password of at most ${PASSWORD_MAX_LENGTH} characters.`);
  return password;
}

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  // NFC, so the same password typed on two keyboards that compose accents differently matches.
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password.normalize('NFC')), 'PBKDF2', false, ['deriveBits']);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, HASH_BITS));
}

/**
 * `pbkdf2-sha256$ITERATIONS$SALT$HASH` (base64): the count is part of the value, so it can be
 * raised later and old hashes still verify. WebCrypto, so it runs on Workers too.
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, PBKDF2_ITERATIONS);
  return `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${bytesToBase64(salt)}$${bytesToBase64(hash)}`;
}

/** Whether `password` matches `encoded`; false for anything malformed. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parts = ENCODED.exec(encoded);
  if (!parts) return false;
  const iterations = Number(parts[1]);
  if (iterations < 1) return false;
  const expected = base64ToBytes(parts[3]!);
  return constantTimeEqual(await derive(password, base64ToBytes(parts[2]!), iterations), expected);
}
