import { X509Certificate, type KeyObject } from 'node:crypto';
import type { Clock } from '../clock.js';
import { Unauthorized } from '../errors.js';

export interface SnsCertificates {
  /** The public key of the signing certificate at `url`, fetched once and cached. */
  publicKey(url: string): Promise<KeyObject>;
}

// Only AWS's own SNS endpoints may name the certificate, or anyone could sign with their own.
const SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;
const CACHE_MS = 24 * 3_600_000;
const MAX_CACHED = 32;
const MAX_PEM_BYTES = 16 * 1024;

/** Whether `url` is an https URL on an SNS host of some AWS region (certificate or subscribe link). */
export function isSnsUrl(url: string, pathSuffix = ''): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === 'https:' &&
    SNS_HOST.test(parsed.hostname) &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === '' &&
    parsed.pathname.endsWith(pathSuffix)
  );
}

/**
 * Signing certificates, fetched through `fetcher` (injected, so tests serve their own) over
 * https from an SNS host; TLS to that host is what makes the certificate trustworthy. Kept
 * until it expires or for a day, whichever is sooner.
 */
export function createSnsCertificates(fetcher: () => typeof fetch, clock: Clock): SnsCertificates {
  const cache = new Map<string, { key: Promise<KeyObject>; until: number }>();

  async function load(url: string): Promise<{ key: KeyObject; validTo: number }> {
    const response = await fetcher()(url, { redirect: 'error', signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`SNS signing certificate ${url}: HTTP ${response.status}`);
    const pem = await response.text();
    if (pem.length > MAX_PEM_BYTES) throw new Error(`SNS signing certificate ${url} is implausibly large`);
    const certificate = new X509Certificate(pem);
    const now = clock.now().getTime();
    if (Date.parse(certificate.validFrom) > now || Date.parse(certificate.validTo) < now) throw new Unauthorized('The SNS signing certificate is not valid now');
    return { key: certificate.publicKey, validTo: Date.parse(certificate.validTo) };
  }

  return {
    async publicKey(url) {
      if (!isSnsUrl(url, '.pem')) throw new Unauthorized('SigningCertURL must be an https .pem URL on sns.<region>.amazonaws.com');
      const now = clock.now().getTime();
      const cached = cache.get(url);
      if (cached && cached.until > now) return cached.key;
      if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
      const loading = load(url);
      const entry = { key: loading.then((l) => l.key), until: now + CACHE_MS };
      cache.set(url, entry);
      loading.then(
        (l) => (entry.until = Math.min(entry.until, l.validTo)),
        // A failed fetch is not cached: SNS retries, and the next attempt fetches again.
        () => cache.delete(url),
      );
      return entry.key;
    },
  };
}
