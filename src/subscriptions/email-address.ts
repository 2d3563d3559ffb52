import { domainToASCII } from 'node:url';
import isEmailModule from 'validator/lib/isEmail.js';
import { Invalid } from '../errors.js';

export interface EmailAddress {
  /** Trimmed, with the domain lower-cased in ASCII (punycode) form: safe for SMTP and headers. */
  email: string;
  /** The case-insensitive identity of the address. */
  normalized: string;
}

// validator ships CommonJS whose typings describe an ES default export; take the function either way.
const isEmail = isEmailModule.default;

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Characters that draw nothing or reorder what is drawn: format characters (bidi embeddings,
 * overrides, isolates and marks, soft hyphen, zero-width characters, tags), private-use and lone
 * surrogates, spaces other than U+0020, and the fillers and selectors that render as nothing.
 * With them one address can pass for another on every screen, and IDNA would silently drop some
 * from a domain, so they are refused rather than stripped.
 */
const INVISIBLE = /(?! )\p{Zs}|[\p{Cf}\p{Co}\p{Cs}\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\uffa0\ufe00-\ufe0f\u{e0100}-\u{e01ef}]/u;

const QUOTED = /^"((?:[^"\\]|\\.)*)"$/su;
/** RFC 5322 dot-atom with RFC 6531's non-ASCII atext: a local part that needs no quoting. */
const DOT_ATOM = /^[\w!#$%&'*+/=?^`{|}~\u0080-\u{10ffff}-]+(?:\.[\w!#$%&'*+/=?^`{|}~\u0080-\u{10ffff}-]+)*$/u;

/** `"ann"` and `"a\nn"` are `ann`: quotes that protect nothing would make one reader two rows. */
function unquoteLocalPart(local: string): string {
  const quoted = QUOTED.exec(local);
  if (!quoted) return local;
  const content = quoted[1]!.replace(/\\(.)/gsu, '$1');
  return DOT_ATOM.test(content) ? content : local;
}

/**
 * Validates and normalises an address typed by a reader. Internationalised domains are accepted
 * and stored in ASCII form; anything that could break a mail header is refused.
 */
export function parseEmailAddress(input: unknown): EmailAddress {
  if (typeof input !== 'string') throw new Invalid('email is required');
  const trimmed = input.trim();
  if (trimmed === '') throw new Invalid('email is required');
  if (CONTROL.test(trimmed)) throw new Invalid('email must not contain control characters or line breaks');
  if (INVISIBLE.test(trimmed)) throw new Invalid('email must not contain invisible or text-direction characters');
  if (trimmed.length > 254) throw new Invalid('email must be at most 254 characters');
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1) throw new Invalid('email is not a valid address');
  const local = unquoteLocalPart(trimmed.slice(0, at));
  const domain = domainToASCII(trimmed.slice(at + 1).toLowerCase());
  const email = `${local}@${domain}`;
  const valid =
    domain !== '' &&
    email.length <= 254 &&
    isEmail(email, { allow_utf8_local_part: true, require_tld: true, allow_ip_domain: false, allow_display_name: false });
  if (!valid) throw new Invalid('email is not a valid address');
  return { email, normalized: email.toLowerCase() };
}

/** A reader's display name: optional, one line, bounded. */
export function parseName(input: unknown): string | null {
  if (input === undefined || input === null) return null;
  if (typeof input !== 'string') throw new Invalid('name must be a string');
  const name = input.trim();
  if (CONTROL.test(name)) throw new Invalid('name must not contain control characters or line breaks');
  if (name.length > 100) throw new Invalid('name must be at most 100 characters');
  return name === '' ? null : name;
}
