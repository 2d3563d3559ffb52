import { bytesToBase64 } from './base64.js';
import { MailError } from './mailer.js';
import { importRsaSigningKey, type SigningKey } from './rsa-private-key.js';

export interface DkimSigningOptions {
  domainName: string;
  keySelector: string;
  privateKey: string;
  /** The header fields to sign, in order, e.g. `['from', 'to', 'subject']`. */
  headerFieldNames: readonly string[];
  /**
   * Fields listed in `h=` once more than the message holds them (RFC 6376 section 8.15). An
   * extra instance added later, such as a second From prepended in transit, then takes part in
   * verification and breaks the signature instead of being shown beside a valid one.
   */
  oversign: readonly string[];
}

/**
 * Signs a whole message, returned with its DKIM-Signature field first and every line ending as
 * CRLF. The message is text whose UTF-8 encoding is what goes on the wire: canonicalisation only
 * touches ASCII (spaces, tabs, line ends, field names), so working on the string and hashing its
 * UTF-8 bytes signs exactly the bytes delivered.
 */
export type DkimSigner = (message: string) => Promise<string>;

/** rsa-sha256, relaxed/relaxed, on WebCrypto so that it runs on Node and Workers alike. */
export function createDkimSigner(options: DkimSigningOptions): DkimSigner {
  // Imported once, not per message; a bad key shows on the first send, as our fault, not the reader's.
  const key = importRsaSigningKey(options.privateKey).catch((error: unknown) => {
    throw new MailError(`DKIM_PRIVATE_KEY cannot sign: ${error instanceof Error ? error.message : String(error)}`, 'sender');
  });
  key.catch(() => {});
  const names = options.headerFieldNames.map((n) => n.toLowerCase());
  const oversign = new Set(options.oversign.map((n) => n.toLowerCase()));
  return async (message) => {
    // Line ends become CRLF first, as SMTP will deliver them, so the signature covers that form.
    const text = message.replace(/\r\n|\r|\n/g, '\r\n');
    const split = text.indexOf('\r\n\r\n');
    const head = split < 0 ? text : text.slice(0, split + 2);
    const body = split < 0 ? '' : text.slice(split + 4);
    return (await dkimHeader(options, await key, names, oversign, parseHeaders(head), body)) + text;
  };
}

interface HeaderLine {
  name: string;
  line: string;
}

const utf8 = new TextEncoder();

async function dkimHeader(options: DkimSigningOptions, key: SigningKey, names: readonly string[], oversign: ReadonlySet<string>, headers: HeaderLine[], body: string): Promise<string> {
  const signed: string[] = [];
  let canonical = '';
  for (const name of names) {
    // Instances are signed from the bottom up (RFC 6376 section 5.4.2).
    const instances = headers.filter((h) => h.name === name).reverse();
    for (const h of instances) {
      signed.push(name);
      canonical += relaxedHeader(h.line) + '\r\n';
    }
    // A name listed beyond the instances present signs their absence: it adds nothing here.
    if (instances.length > 0 && oversign.has(name)) signed.push(name);
  }
  const bodyHash = bytesToBase64(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8.encode(relaxedBody(body)))));
  const tags = ['v=1;', 'a=rsa-sha256;', 'c=relaxed/relaxed;', `d=${options.domainName};`, `s=${options.keySelector};`, `h=${signed.join(':')};`, `bh=${bodyHash};`, 'b='];
  const unsigned = fold(`DKIM-Signature:`, tags);
  canonical += relaxedHeader(unsigned);
  const signature = bytesToBase64(new Uint8Array(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, utf8.encode(canonical))));
  return `${unsigned}${signature.match(/.{1,72}/g)!.join('\r\n ')}\r\n`;
}

/** Joins tags with folding whitespace, starting a new line before one that would pass 76 columns. */
function fold(start: string, tags: readonly string[]): string {
  let out = start;
  let column = start.length;
  for (const tag of tags) {
    const breaks = column + 1 + tag.length > 76;
    out += (breaks ? '\r\n ' : ' ') + tag;
    column = (breaks ? 1 : column + 1) + tag.length;
  }
  return out;
}

function parseHeaders(head: string): HeaderLine[] {
  const headers: HeaderLine[] = [];
  for (const line of head.split('\r\n')) {
    if (line === '') continue;
    const last = headers.at(-1);
    if (/^[ \t]/.test(line) && last) last.line += `\r\n${line}`;
    else headers.push({ name: line.slice(0, line.indexOf(':')).trim().toLowerCase(), line });
  }
  return headers;
}

// RFC 6376 section 3.4.2: lowercase name, unfolded value, whitespace runs as one space, trimmed.
function relaxedHeader(line: string): string {
  const colon = line.indexOf(':');
  const value = line.slice(colon + 1).replace(/\r\n/g, '').replace(/[ \t]+/g, ' ').trim();
  return `${line.slice(0, colon).trim().toLowerCase()}:${value}`;
}

// RFC 6376 section 3.4.4: whitespace runs as one space, none at line ends, no trailing empty lines.
function relaxedBody(body: string): string {
  const lines = body.replace(/[ \t]+/g, ' ').replace(/ \r\n/g, '\r\n').replace(/ $/, '').replace(/(\r\n)+$/, '');
  return lines === '' ? '' : `${lines}\r\n`;
}
