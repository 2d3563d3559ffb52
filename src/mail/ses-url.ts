import type { AwsCredentials } from './aws-sigv4.js';

/** SES_URL read: where the SES v2 API is, its region, and the key that signs requests to it. */
export interface SesTarget {
  /** The API's origin, e.g. `https://email.eu-west-1.amazonaws.com`. */
  endpoint: string;
  region: string;
  credentials: AwsCredentials;
}

const AWS_HOST = /^email(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com$/;

/**
 * `https://ACCESS_KEY_ID:SECRET_ACCESS_KEY@email.REGION.amazonaws.com`, the secret
 * percent-encoded (a `/` in it becomes `%2F`). Another endpoint names its region: `?region=`.
 * Throws with a message fit for the configuration error.
 */
export function parseSesUrl(url: string): SesTarget {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('expected an https:// URL');
  if (!parsed.username || !parsed.password) throw new Error('expected https://ACCESS_KEY_ID:SECRET_ACCESS_KEY@email.REGION.amazonaws.com');
  const region = parsed.searchParams.get('region') ?? AWS_HOST.exec(parsed.hostname)?.[1];
  if (!region || !/^[a-z0-9-]+$/.test(region)) throw new Error('the region comes from an email.REGION.amazonaws.com host, or from ?region=REGION');
  return {
    endpoint: parsed.origin,
    region,
    credentials: { accessKeyId: decodeURIComponent(parsed.username), secretAccessKey: decodeURIComponent(parsed.password) },
  };
}
