/** AWS Signature Version 4 on WebCrypto, for calling AWS APIs with fetch from Node or Workers. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface AwsScope {
  region: string;
  service: string;
}

export interface SignableRequest {
  method: string;
  url: string;
  /** Headers to send and sign; Host is taken from the URL, as fetch sends it. */
  headers: Record<string, string>;
  body: string;
}

const utf8 = new TextEncoder();

/** The request's headers with X-Amz-Date and Authorization added. */
export async function signAwsRequest(request: SignableRequest, credentials: AwsCredentials, scope: AwsScope, now: Date): Promise<Record<string, string>> {
  const url = new URL(request.url);
  const amzDate = now.toISOString().replace(/[-:]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = { ...request.headers, 'x-amz-date': amzDate };
  const canonicalHeaders = new Map<string, string>([['host', url.host]]);
  for (const [name, value] of Object.entries(headers)) canonicalHeaders.set(name.toLowerCase(), value.trim().replace(/\s+/g, ' '));
  const names = [...canonicalHeaders.keys()].sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    request.method.toUpperCase(),
    url.pathname || '/',
    canonicalQuery(url.searchParams),
    ...names.map((name) => `${name}:${canonicalHeaders.get(name)}`),
    '',
    signedHeaders,
    hex(await sha256(request.body)),
  ].join('\n');
  const credentialScope = `${day}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, credentialScope, hex(await sha256(canonicalRequest))].join('\n');
  // A copy: Workers' TextEncoder types its result over ArrayBufferLike, which importKey refuses.
  let key = new Uint8Array(utf8.encode(`AWS4${credentials.secretAccessKey}`));
  for (const part of [day, scope.region, scope.service, 'aws4_request']) key = await hmac(key, part);
  const signature = hex(await hmac(key, stringToSign));
  return { ...headers, authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}` };
}

// Names and values URI-encoded the RFC 3986 way (encodeURIComponent leaves !'()* alone), sorted.
function canonicalQuery(params: URLSearchParams): string {
  const encode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return [...params]
    .map(([name, value]) => [encode(name), encode(value)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', utf8.encode(text)));
}

async function hmac(key: Uint8Array<ArrayBuffer>, text: string): Promise<Uint8Array<ArrayBuffer>> {
  const imported = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', imported, utf8.encode(text)));
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
