import type { Selectable } from 'kysely';
import type { ConsentBasis, Db, SubscriberStatus, SubscribersTable } from '../db/database.js';
import { tagsOf } from './tags.js';

/** A subscriber as the admin API shows it. */
export interface SubscriberView {
  id: number;
  email: string;
  name: string | null;
  status: SubscriberStatus;
  tags: string[];
  attributes: Record<string, unknown>;
  source: string;
  consent: { basis: ConsentBasis; at: string | null; ip: string | null; user_agent: string | null; confirm_ip: string | null };
  created_at: string;
  updated_at: string;
  confirmed_at: string | null;
  unsubscribed_at: string | null;
}

export type SubscriberRow = Selectable<SubscribersTable>;

export function toView(row: SubscriberRow, tags: string[]): SubscriberView {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    status: row.status,
    tags,
    attributes: JSON.parse(row.attributes) as Record<string, unknown>,
    source: row.source,
    consent: { basis: row.consent_basis, at: row.consent_at, ip: row.consent_ip, user_agent: row.consent_user_agent, confirm_ip: row.confirm_ip },
    created_at: row.created_at,
    updated_at: row.updated_at,
    confirmed_at: row.confirmed_at,
    unsubscribed_at: row.unsubscribed_at,
  };
}

/** Rows to views, with every row's tags fetched in one query. */
export async function toViews(db: Db, rows: SubscriberRow[]): Promise<SubscriberView[]> {
  const tags = await tagsOf(db, rows.map((r) => r.id));
  return rows.map((row) => toView(row, tags.get(row.id)!));
}
