import { encodeWord } from 'nodemailer/lib/mime-funcs';

export interface Mailbox {
  name?: string | null | undefined;
  address: string;
}

// Printable ASCII that no decoder would read as an RFC 2047 encoded word: safe in a quoted string.
const QUOTABLE = /^[\x20-\x7e]*$/;

/**
 * A mailbox for From or To: `"Name" <address>`, or the bare address when there is no name.
 *
 * The display name always becomes one unit the address parser cannot look inside, so a name
 * such as `Zoë <x@evil.test>,` can never add a recipient: printable ASCII goes into one quoted
 * string (with `"` and `\` escaped); anything else, and text that looks like an encoded word
 * (`=?utf-8?q?...?=`, which decoders expand even inside quotes), becomes a sequence of Q encoded
 * words covering the entire name, in which every special is encoded. Each word stays within
 * RFC 2047's 75 characters and holds whole characters, so the header folds between words.
 */
export function formatMailbox({ name, address }: Mailbox): string {
  if (!name) return address;
  return `${displayName(name)} <${address}>`;
}

function displayName(name: string): string {
  if (QUOTABLE.test(name) && !name.includes('=?')) return `"${name.replace(/["\\]/g, '\\$&')}"`;
  // 66 characters a word: the first one still fits on the line after "From: " (76 columns).
  return encodeWord(name, 'Q', 66);
}
