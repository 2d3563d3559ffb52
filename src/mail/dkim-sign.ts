import { createHash, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { foldLines } from 'nodemailer/lib/mime-funcs';

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

/** Signs whole messages with rsa-sha256, relaxed/relaxed. The key is parsed once, not per message. */
export function createDkimSigner(options: DkimSigningOptions): (message: Buffer) => Buffer {
  const key = createPrivateKey(options.privateKey);
  const names = options.headerFieldNames.map((n) => n.toLowerCase());
  const oversign = new Set(options.oversign.map((n) => n.toLowerCase()));
  return (message) => {
    // latin1 maps each byte to one char and back, so hashing what we split reproduces the bytes.
    // Line ends become CRLF first, as SMTP will deliver them: nodemailer leaves the bare LFs of
    // text content for the transport to fix, and the signature must cover the delivered form.
    const text = message.toString('latin1').replace(/\r\n|\r|\n/g, '\r\n');
    const split = text.indexOf('\r\n\r\n');
    const head = split < 0 ? text : text.slice(0, split + 2);
    const body = split < 0 ? '' : text.slice(split + 4);
    const header = dkimHeader(options, key, names, oversign, parseHeaders(head), body);
    return Buffer.from(header + text, 'latin1');
  };
}

interface HeaderLine {
  name: string;
  line: string;
}

function dkimHeader(options: DkimSigningOptions, key: KeyObject, names: readonly string[], oversign: ReadonlySet<string>, headers: HeaderLine[], body: string): string {
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
  const bodyHash = createHash('sha256').update(relaxedBody(body), 'latin1').digest('base64');
  const unsigned = foldLines(
    `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=${options.domainName}; s=${options.keySelector}; h=${signed.join(':')}; bh=${bodyHash}; b=`,
    76,
  );
  canonical += relaxedHeader(unsigned);
  const signature = sign('sha256', Buffer.from(canonical, 'latin1'), key).toString('base64');
  return `${unsigned}${signature.match(/.{1,72}/g)!.join('\r\n ')}\r\n`;
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
