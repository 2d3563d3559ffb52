import type { ColumnType, Generated, Kysely } from 'kysely';

/** ISO-8601 UTC timestamps stored as text: they sort correctly and read the same on every dialect. */
export type Timestamp = string;

export const SUBSCRIBER_STATUSES = ['pending', 'active', 'unsubscribed', 'bounced', 'complained'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

export const MAIL_KINDS = ['confirm', 'welcome'] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

export const MAIL_STATUSES = ['pending', 'sent', 'failed', 'skipped'] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

export interface SubscribersTable {
  id: Generated<number>;
  /** As the reader typed it (trimmed, domain lower-cased and in ASCII form). */
  email: string;
  /** Lower-cased `email`: the uniqueness key. */
  email_normalized: string;
  name: string | null;
  status: SubscriberStatus;
  /** Which form or channel the reader came through (`form`, `api`, `embed`, `import`, ...). */
  source: string;
  consent_ip: string | null;
  consent_user_agent: string | null;
  consent_at: Timestamp | null;
  confirm_ip: string | null;
  attributes: ColumnType<string, string | undefined, string>;
  created_at: Timestamp;
  updated_at: Timestamp;
  confirmed_at: Timestamp | null;
  unsubscribed_at: Timestamp | null;
}

/** Transactional mail (confirmations, welcomes) waiting for the worker. */
export interface MailQueueTable {
  id: Generated<number>;
  kind: MailKind;
  subscriber_id: number;
  status: ColumnType<MailStatus, MailStatus | undefined, MailStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  lease_until: Timestamp | null;
  last_error: string | null;
  message_id: string | null;
  created_at: Timestamp;
  sent_at: Timestamp | null;
}

export interface SettingsTable {
  key: string;
  /** JSON-encoded value. */
  value: string;
  updated_at: Timestamp;
}

export interface ApiKeysTable {
  id: Generated<number>;
  name: string;
  prefix: string;
  /** SHA-256 of the key: the key itself is shown once and never stored. */
  key_hash: string;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export const POST_STATUSES = ['draft', 'scheduled', 'published'] as const;
export type PostStatus = (typeof POST_STATUSES)[number];

export interface PostsTable {
  id: Generated<number>;
  slug: string;
  title: string;
  excerpt: string | null;
  author: string | null;
  /** JSON array of strings. */
  tags: ColumnType<string, string | undefined, string>;
  email_subject: string | null;
  body_markdown: string;
  body_html: string;
  status: PostStatus;
  scheduled_at: Timestamp | null;
  published_at: Timestamp | null;
  /** 1 = publishing also mails the post (SQLite has no boolean type). */
  send_on_publish: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface Database {
  subscribers: SubscribersTable;
  mail_queue: MailQueueTable;
  settings: SettingsTable;
  api_keys: ApiKeysTable;
  posts: PostsTable;
}

export type Db = Kysely<Database>;
