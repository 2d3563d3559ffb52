import { base64ToBytes } from './base64.js';

// Named through the global crypto: the project's type libraries declare no global CryptoKey.
export type SigningKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/**
 * Imports a PEM RSA private key for RSASSA-PKCS1-v1_5 with SHA-256. WebCrypto reads PKCS#8 only,
 * while node:crypto (what DKIM_PRIVATE_KEY was first read with) also took the PKCS#1 form that
 * `openssl genrsa` writes: that one is wrapped into PKCS#8 here so existing keys keep working.
 */
export async function importRsaSigningKey(pem: string): Promise<SigningKey> {
  const block = /-----BEGIN (RSA )?PRIVATE KEY-----([^-]+)-----END \1?PRIVATE KEY-----/.exec(pem);
  if (!block) throw new Error('expected a PEM "PRIVATE KEY" or "RSA PRIVATE KEY" block');
  const der = base64ToBytes(block[2]!);
  const pkcs8 = block[1] ? pkcs1ToPkcs8(der) : der;
  return crypto.subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
}

// PrivateKeyInfo ::= SEQUENCE { version 0, AlgorithmIdentifier { rsaEncryption, NULL }, OCTET STRING pkcs1 }
const VERSION_AND_ALGORITHM = [0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00];

function pkcs1ToPkcs8(pkcs1: Uint8Array): Uint8Array<ArrayBuffer> {
  const octets = [0x04, ...derLength(pkcs1.length)];
  const contentLength = VERSION_AND_ALGORITHM.length + octets.length + pkcs1.length;
  const head = [0x30, ...derLength(contentLength), ...VERSION_AND_ALGORITHM, ...octets];
  const out = new Uint8Array(head.length + pkcs1.length);
  out.set(head);
  out.set(pkcs1, head.length);
  return out;
}

function derLength(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let n = length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
  return [0x80 | bytes.length, ...bytes];
}
