import { atomic } from '../../db/atomic.js';
import { isBusy, isUniqueViolation } from '../../db/dialect.js';
import type { Db } from '../../db/database.js';
import { suppressedAmong } from '../../suppressions/is-suppressed.js';
import { addTags, tagsOf } from '../tags.js';
import type { ImportRow } from './import-row.js';
import { existingDraft, merge, newDraft, nextStatus, type Draft } from './import-merge.js';

export interface BatchCounts {
  created: number;
  updated: number;
  skipped: number;
  confirmations: number;
}

/** Another writer touched a row between this batch's read and write: run the batch again. */
class ImportRace extends Error {}

// Far below every dialect's bound-parameter limit at 12 columns a row.
const CHUNK = 500;
const MAX_ATTEMPTS = 20;

/**
 * Applies valid rows in one transaction, as if one after the other: an address seen again
 * (in the database or earlier in the file) merges into what is there. Returns what happened.
 */
export async function applyImportBatch(db: Db, rows: ImportRow[], options: { doubleOptIn: boolean; now: string }): Promise<BatchCounts> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await atomic(db, (trx) => applyOnce(trx, rows, options));
    } catch (error) {
      // Transactions begin IMMEDIATE on SQLite, so BUSY means another writer held the lock past
      // busy_timeout; on PostgreSQL a deadlock or serialization failure. Either way: back off for
      // about one batch's time and try again.
      if (attempt >= MAX_ATTEMPTS || !(error instanceof ImportRace || isBusy(error) || isUniqueViolation(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * attempt));
    }
  }
}

async function applyOnce(db: Db, rows: ImportRow[], { doubleOptIn, now }: { doubleOptIn: boolean; now: string }): Promise<BatchCounts> {
  const emails = [...new Set(rows.map((r) => r.normalized))];
  const drafts = await readDrafts(db, emails);
  const suppressed = await suppressedAmong(db, emails);
  const counts: BatchCounts = { created: 0, updated: 0, skipped: 0, confirmations: 0 };
  for (const row of rows) {
    const draft = drafts.get(row.normalized);
    if (!draft) {
      if (suppressed.has(row.normalized)) {
        counts.skipped++;
        continue;
      }
      drafts.set(row.normalized, newDraft(row, doubleOptIn, now));
      counts.created++;
    } else if (merge(draft, row, nextStatus(draft.status, row.status ?? 'active', doubleOptIn, suppressed.has(row.normalized)), now)) {
      counts.updated++;
    } else {
      counts.skipped++;
    }
  }
  await write(db, [...drafts.values()], now);
  counts.confirmations = [...drafts.values()].filter((d) => d.confirm).length;
  return counts;
}

async function readDrafts(db: Db, emails: string[]): Promise<Map<string, Draft>> {
  const drafts = new Map<string, Draft>();
  for (let i = 0; i < emails.length; i += CHUNK) {
    const rows = await db
      .selectFrom('subscribers')
      .select(['id', 'email', 'email_normalized', 'name', 'status', 'created_at', 'confirmed_at', 'unsubscribed_at', 'consent_basis', 'consent_at'])
      .where('email_normalized', 'in', emails.slice(i, i + CHUNK))
      .execute();
    const tags = await tagsOf(db, rows.map((r) => r.id));
    for (const r of rows) {
      drafts.set(r.email_normalized, existingDraft(r, tags.get(r.id)!));
    }
  }
  return drafts;
}

async function write(db: Db, drafts: Draft[], now: string): Promise<void> {
  const fresh = drafts.filter((d) => d.id === null);
  for (let i = 0; i < fresh.length; i += CHUNK) {
    const chunk = fresh.slice(i, i + CHUNK);
    const inserted = await db
      .insertInto('subscribers')
      .values(
        chunk.map((d) => ({
          email: d.email,
          email_normalized: d.normalized,
          name: d.name,
          status: d.status,
          source: 'import',
          consent_at: d.consentAt,
          consent_basis: d.consentBasis,
          created_at: d.createdAt,
          updated_at: now,
          confirmed_at: d.confirmedAt,
          unsubscribed_at: d.unsubscribedAt,
        })),
      )
      .onConflict((oc) => oc.column('email_normalized').doNothing())
      .returning(['id', 'email_normalized'])
      .execute();
    if (inserted.length !== chunk.length) throw new ImportRace();
    const ids = new Map(inserted.map((r) => [r.email_normalized, r.id]));
    for (const d of chunk) d.id = ids.get(d.normalized)!;
  }

  for (const d of drafts) {
    if (d.readStatus === null || !d.changed) continue;
    const updated = await db
      .updateTable('subscribers')
      .set({
        name: d.name,
        status: d.status,
        consent_at: d.consentAt,
        consent_basis: d.consentBasis,
        confirmed_at: d.confirmedAt,
        unsubscribed_at: d.unsubscribedAt,
        updated_at: now,
      })
      .where('id', '=', d.id!)
      .where('status', '=', d.readStatus)
      .returning('id')
      .executeTakeFirst();
    if (!updated) throw new ImportRace();
  }

  await addTags(db, drafts.flatMap((d) => d.addedTags.map((tag) => ({ subscriber_id: d.id!, tag }))));
  const confirm = drafts.filter((d) => d.confirm);
  for (let i = 0; i < confirm.length; i += CHUNK) {
    await db
      .insertInto('mail_queue')
      .values(confirm.slice(i, i + CHUNK).map((d) => ({ kind: 'confirm' as const, subscriber_id: d.id!, next_attempt_at: now, created_at: now })))
      .execute();
  }
}
