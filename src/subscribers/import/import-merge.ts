/** How an import row changes a subscriber: the merge rules, free of I/O (import-batch.ts does the reading and writing). */
import type { ConsentBasis, SubscriberStatus } from '../../db/database.js';
import type { SubscriberRow } from '../subscriber-view.js';
import type { ImportRow } from './import-row.js';

/** A subscriber as the batch will leave it: read from the database, or new in this import. */
export interface Draft {
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

/** A draft of a subscriber read from the database. */
export function existingDraft(
  r: Pick<SubscriberRow, 'id' | 'email' | 'email_normalized' | 'name' | 'status' | 'created_at' | 'confirmed_at' | 'unsubscribed_at' | 'consent_basis' | 'consent_at'>,
  tags: string[],
): Draft {
  return {
    id: r.id,
    readStatus: r.status,
    email: r.email,
    normalized: r.email_normalized,
    name: r.name,
    status: r.status,
    tags: new Set(tags),
    addedTags: [],
    createdAt: r.created_at,
    confirmedAt: r.confirmed_at,
    unsubscribedAt: r.unsubscribed_at,
    consentBasis: r.consent_basis,
    consentAt: r.consent_at,
    changed: false,
    confirm: false,
  };
}

/** Rows become active (the editor vouches), or pending with a confirmation mail on double opt-in. */
export function newDraft(row: ImportRow, doubleOptIn: boolean, now: string): Draft {
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
export function nextStatus(current: SubscriberStatus, wanted: SubscriberStatus, doubleOptIn: boolean, suppressed: boolean): SubscriberStatus | null {
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
export function merge(draft: Draft, row: ImportRow, status: SubscriberStatus | null, now: string): boolean {
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
