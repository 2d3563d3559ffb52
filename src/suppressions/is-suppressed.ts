import type { Db } from '../db/database.js';
import { textIn } from '../db/id-list.js';
import { addressSuppression, domainOf, domainSuppression } from './suppression-value.js';

// Addresses per lookup: the hashes go as one parameter (see id-list.ts), kept to tens of kilobytes.
const CHUNK = 400;

/**
 * Which of these normalised addresses must not be mailed: the address itself or its domain is
 * on the suppression list. One indexed query per few hundred addresses.
 */
export async function suppressedAmong(db: Db, normalizedEmails: readonly string[]): Promise<Set<string>> {
  const suppressed = new Set<string>();
  const unique = [...new Set(normalizedEmails)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const emails = unique.slice(i, i + CHUNK);
    const addresses = new Map(emails.map((e) => [addressSuppression(e).hash, e]));
    // Many readers share a few domains: hash each domain once.
    const domains = new Map([...new Set(emails.map(domainOf))].map((d) => [domainSuppression(d).hash, d]));
    const rows = await db
      .selectFrom('suppressions')
      .select(['kind', 'value_hash'])
      .where(textIn(db, 'value_hash', [...addresses.keys(), ...domains.keys()]))
      .execute();
    const blockedDomains = new Set<string>();
    for (const row of rows) {
      if (row.kind === 'address' && addresses.has(row.value_hash)) suppressed.add(addresses.get(row.value_hash)!);
      if (row.kind === 'domain' && domains.has(row.value_hash)) blockedDomains.add(domains.get(row.value_hash)!);
    }
    for (const e of emails) if (blockedDomains.has(domainOf(e))) suppressed.add(e);
  }
  return suppressed;
}

/** Whether one normalised address (or its domain) is on the suppression list. */
export async function isSuppressed(db: Db, normalizedEmail: string): Promise<boolean> {
  return (await suppressedAmong(db, [normalizedEmail])).size > 0;
}
