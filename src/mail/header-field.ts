import { foldLines } from 'nodemailer/lib/mime-funcs';

const CRLF = '\r\n';

/** One header field, folded at 76 columns and ended with CRLF; a value with a line break is refused. */
export function headerField(name: string, value: string): string {
  // A line break would end this header and start one the value's author chose.
  if (/[\r\n]/.test(value)) throw new Error(`${name} header contains a line break`);
  return foldLines(`${name}: ${value}`, 76) + CRLF;
}
