import { Invalid } from '../errors.js';

const UTC_DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$/;
// A date, or a date and time with an optional zone: the forms spreadsheets and other platforms export.
const ISO_LIKE = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(\.\d{1,9})?)?(Z|[+-]\d\d:?\d\d)?)?$/i;

/**
 * Reads an ISO 8601 date or date-time as a UTC timestamp; a missing zone means UTC. Ambiguous
 * forms such as 03/04/2024 are refused rather than guessed.
 */
export function parseTimestamp(input: string, field: string): string {
  // The common form in large files (and our own export's): a UTC date-time, read directly. Date
  // rolls 2024-02-30 over into March, so the date must read back the same.
  if (UTC_DATE_TIME.test(input)) {
    const date = new Date(input);
    if (!Number.isNaN(date.getTime()) && date.toISOString().slice(0, 19) === input.slice(0, 19)) return date.toISOString();
  }
  const match = ISO_LIKE.exec(input.trim());
  if (!match) throw new Invalid(`${field} must be an ISO 8601 date such as 2024-03-01 or 2024-03-01T12:00:00Z`);
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', zone = 'Z'] = match;
  // A real calendar date reads back the same.
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  const realDay = day.getUTCFullYear() === Number(y) && day.getUTCMonth() === Number(mo) - 1 && day.getUTCDate() === Number(d);
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const millis = (fraction.slice(1) + '000').slice(0, 3);
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.${millis}${offset}`);
  if (!realDay || Number.isNaN(date.getTime())) throw new Invalid(`${field} is not a valid date`);
  return date.toISOString();
}
