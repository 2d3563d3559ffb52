import type { ConsentBasis, Db, SubscriberStatus } from '../../db/database.js';
import { suppressedAmong } from '../../suppressions/is-suppressed.js';
import { addTags, tagsOf } from '../tags.js';
import type { ImportRow } from './import-row.js';

export interface BatchCounts {
  created: number;
  updated: number;
  skipped: number;
  confirmations: number;
}

/** A subscriber as the batch will leave it: read from the database, or new in this import. */
interface Draft {
  id: number | null;
  /** The status read from the database: the update only applies if it is still that. */
  readStatus: SubscriberStatus | null;
  email: string;
  normalized: string;
  name: string | null;
  status: SubscriberStatus;
  tags: Set<string>;
  addedTags: string[];
  createdAt: string;
  confirmedAt: string | null;
  unsubscribedAt: string | null;
  consentBasis: ConsentBasis;
  consentAt: string | null;
  changed: boolean;
  confirm: boolean;
}

/** Another writer touched a row between this batch's read and write: run the batch again. */
class ImportRace extends Error {}

// Far below every dialect's bound-parameter limit at 12 columns a row.
const INSERT_CHUNK = Number(process.env.XC ?? 500);
const MAX_ATTEMPTS = 20;

/**
 * Applies valid rows in one transaction, as if one after the other: an address seen again
 * (in the database or earlier in the file) merges into what is there. Returns what happened.
 */
export async function applyImportBatch(db: Db, rows: ImportRow[], options: { doubleOptIn: boolean; now: string }): Promise<BatchCounts> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute((trx) => applyOnce(trx, rows, options));
    } catch (error) {
      // SQLite refuses at once (no busy wait) to turn a read into a write transaction when another
      // process wrote meanwhile: back off for about one batch's time and read again.
      const busy = /^SQLITE_BUSY/.test((error as { code?: string }).code ?? '');
      if (attempt >= MAX_ATTEMPTS || !(error instanceof ImportRace || busy)) throw error;
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
  for (let i = 0; i < emails.length; i += INSERT_CHUNK) {
    const rows = await db
      .selectFrom('subscribers')
      .select(['id', 'email', 'email_normalized', 'name', 'status', 'created_at', 'confirmed_at', 'unsubscribed_at', 'consent_basis', 'consent_at'])
      .where('email_normalized', 'in', emails.slice(i, i + INSERT_CHUNK))
      .execute();
    const tags = await tagsOf(db, rows.map((r) => r.id));
    for (const r of rows) {
      drafts.set(r.email_normalized, {
        id: r.id,
        readStatus: r.status,
        email: r.email,
        normalized: r.email_normalized,
        name: r.name,
        status: r.status,
        tags: new Set(tags.get(r.id)),
        addedTags: [],
        createdAt: r.created_at,
        confirmedAt: r.confirmed_at,
        unsubscribedAt: r.unsubscribed_at,
        consentBasis: r.consent_basis,
        consentAt: r.consent_at,
        changed: false,
        confirm: false,
      });
    }
  }
  return drafts;
}

/** Rows become active (the editor vouches), or pending with a confirmation mail on double opt-in. */
function newDraft(row: ImportRow, doubleOptIn: boolean, now: string): Draft {
  const wanted = row.status ?? 'active';
  const status = doubleOptIn && (wanted === 'active' || wanted === 'pending') ? 'pending' : wanted;
  return {
    id: null,
    readStatus: null,
    email: row.email,
    normalized: row.normalized,
    name: row.name,
    status,
    tags: new Set(row.tags),
    addedTags: [...row.tags],
    createdAt: row.createdAt ?? now,
    confirmedAt: status === 'active' ? now : null,
    unsubscribedAt: status === 'unsubscribed' ? now : null,
    consentBasis: status === 'active' ? 'editor' : 'double_opt_in',
    consentAt: status === 'active' || status === 'pending' ? now : null,
    changed: false,
    confirm: doubleOptIn && status === 'pending',
  };
}

/**
 * The status a row may move a subscriber to, or null for "leave it". Leaving is always allowed
 * (unsubscribed, bounced, complained); coming back never is: an import must not undo a
 * reader's unsubscribe or a provider's bounce.
 */
function nextStatus(current: SubscriberStatus, wanted: SubscriberStatus, doubleOptIn: boolean, suppressed: boolean): SubscriberStatus | null {
  switch (wanted) {
    case 'active':
      return current === 'pending' && !doubleOptIn && !suppressed ? 'active' : null;
    case 'pending':
      return null;
    case 'unsubscribed':
      return current === 'pending' || current === 'active' ? 'unsubscribed' : null;
    case 'bounced':
      return current === 'complained' || current === 'bounced' ? null : 'bounced';
    case 'complained':
      return current === 'complained' ? null : 'complained';
  }
}

/** Merges a later row into a draft; true if anything changed. */
function merge(draft: Draft, row: ImportRow, status: SubscriberStatus | null, now: string): boolean {
  let changed = false;
  if (row.name && row.name !== draft.name) {
    draft.name = row.name;
    changed = true;
  }
  for (const tag of row.tags) {
    if (draft.tags.has(tag)) continue;
    draft.tags.add(tag);
    draft.addedTags.push(tag);
    changed = true;
  }
  if (status && status !== draft.status) {
    draft.status = status;
    if (status === 'active') {
      draft.consentBasis = 'editor';
      draft.consentAt = now;
      draft.confirmedAt ??= now;
      draft.unsubscribedAt = null;
    }
    if (status === 'unsubscribed') draft.unsubscribedAt = now;
    // A confirmation mail not written yet must not reach someone who has since left.
    if (status !== 'pending') draft.confirm = false;
    changed = true;
  }
  draft.changed ||= changed;
  return changed;
}

async function write(db: Db, drafts: Draft[], now: string): Promise<void> {
  const fresh = drafts.filter((d) => d.id === null);
  for (let i = 0; i < fresh.length; i += INSERT_CHUNK) {
    const chunk = fresh.slice(i, i + INSERT_CHUNK);
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
  for (let i = 0; i < confirm.length; i += INSERT_CHUNK) {
    await db
      .insertInto('mail_queue')
      .values(confirm.slice(i, i + INSERT_CHUNK).map((d) => ({ kind: 'confirm' as const, subscriber_id: d.id!, next_attempt_at: now, created_at: now })))
      .execute();
  }
}
