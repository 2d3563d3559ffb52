import { atomic } from '../../db/atomic.js';
import { isBusy, isUniqueViolation, maxBindParameters } from '../../db/dialect.js';
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

// Rows per statement where the database allows many bound parameters (SQLite, PostgreSQL).
const CHUNK = 500;
const MAX_ATTEMPTS = 20;

/**
 * Applies valid rows in one transaction, as if one after the other: an address seen again
 * (in the database or earlier in the file) merges into what is there. Returns what happened.
 *
 * It stays `atomic`, so on D1 its statements run one by one: it reads the rows it merges into
 * and decides in JavaScript, which no batch can express. A failure midway there leaves some of
 * the batch's rows created or merged and the rest not: each is a state the file asked for, and
 * importing the file again completes it, as merging makes a repeat change nothing more.
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
  const { drafts, suppressed } = await readDrafts(db, emails);
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

/**
 * How many rows (or list items) of `columns` values one statement may bind: CHUNK, or fewer
 * where the database allows fewer bound parameters (D1: 100).
 */
const rowsPerStatement = (db: Db, columns: number) => Math.min(CHUNK, Math.floor(maxBindParameters(db) / columns));

async function readDrafts(db: Db, emails: string[]): Promise<{ drafts: Map<string, Draft>; suppressed: Set<string> }> {
  const drafts = new Map<string, Draft>();
  const suppressed = new Set<string>();
  // Two values an address: the suppression lookup binds the hashes of the address and its domain.
  const chunk = rowsPerStatement(db, 2);
  for (let i = 0; i < emails.length; i += chunk) {
    const some = emails.slice(i, i + chunk);
    const rows = await db
      .selectFrom('subscribers')
      .select(['id', 'email', 'email_normalized', 'name', 'status', 'created_at', 'confirmed_at', 'unsubscribed_at', 'consent_basis', 'consent_at'])
      .where('email_normalized', 'in', some)
      .execute();
    const tags = await tagsOf(db, rows.map((r) => r.id));
    for (const r of rows) {
      drafts.set(r.email_normalized, existingDraft(r, tags.get(r.id)!));
    }
    for (const e of await suppressedAmong(db, some)) suppressed.add(e);
  }
  return { drafts, suppressed };
}

/** `rows` in slices that one multi-row INSERT each can bind (see rowsPerStatement). */
function* statementsOf<T extends object>(db: Db, rows: T[]): Generator<T[]> {
  const size = rowsPerStatement(db, Object.keys(rows[0] ?? {}).length);
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

async function write(db: Db, drafts: Draft[], now: string): Promise<void> {
  const fresh = drafts
    .filter((d) => d.id === null)
    .map((d) => ({
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
    }));
  const ids = new Map<string, number>();
  for (const rows of statementsOf(db, fresh)) {
    const inserted = await db
      .insertInto('subscribers')
      .values(rows)
      .onConflict((oc) => oc.column('email_normalized').doNothing())
      .returning(['id', 'email_normalized'])
      .execute();
    if (inserted.length !== rows.length) throw new ImportRace();
    for (const r of inserted) ids.set(r.email_normalized, r.id);
  }
  for (const d of drafts) if (d.id === null) d.id = ids.get(d.normalized)!;

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

  const pairs = drafts.flatMap((d) => d.addedTags.map((tag) => ({ subscriber_id: d.id!, tag })));
  // addTags keeps its own rows per statement; where fewer parameters are allowed, hand it fewer.
  for (const some of statementsOf(db, pairs)) await addTags(db, some);
  const confirm = drafts.filter((d) => d.confirm).map((d) => ({ kind: 'confirm' as const, subscriber_id: d.id!, next_attempt_at: now, created_at: now }));
  for (const rows of statementsOf(db, confirm)) await db.insertInto('mail_queue').values(rows).execute();
}
