import type { ColumnType, Generated, Kysely } from 'kysely';

/** ISO-8601 UTC timestamps stored as text: they sort correctly and read the same on every dialect. */
export type Timestamp = string;

export const SUBSCRIBER_STATUSES = ['pending', 'active', 'unsubscribed', 'bounced', 'complained'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

export const CONSENT_BASES = ['double_opt_in', 'editor'] as const;
export type ConsentBasis = (typeof CONSENT_BASES)[number];

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
  /** `double_opt_in`: the reader confirmed by mail; `editor`: the editor vouched for consent. */
  consent_basis: ColumnType<ConsentBasis, ConsentBasis | undefined, ConsentBasis>;
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
  /** The worker holding the lease (see WorkersTable); its claims end when its heartbeat stops. */
  claimed_by: ColumnType<string | null, string | null | undefined, string | null>;
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
  /** The opening of the body as plain text (derived on save, like body_html). */
  summary: string;
  /** Why the worker could not publish this scheduled post yet (null when nothing failed). */
  publish_error: string | null;
  publish_attempts: ColumnType<number, number | undefined, number>;
  /** When the worker tries again after a failed scheduled publish. */
  publish_retry_at: Timestamp | null;
}

export const SEND_STATUSES = ['queued', 'sending', 'paused', 'done', 'cancelled', 'failed'] as const;
export type SendStatus = (typeof SEND_STATUSES)[number];

/** One mailing of one post, with its rendered content and running counts. */
export interface SendsTable {
  id: Generated<number>;
  post_id: number;
  status: SendStatus;
  subject: string;
  from_name: string;
  from_address: string;
  reply_to: string | null;
  html: string | null;
  text: string | null;
  total: ColumnType<number, number | undefined, number>;
  sent: ColumnType<number, number | undefined, number>;
  failed: ColumnType<number, number | undefined, number>;
  skipped: ColumnType<number, number | undefined, number>;
  /** Deliveries whose answer was lost after the whole message was handed over: never resent. */
  unknown: ColumnType<number, number | undefined, number>;
  /** Why the worker paused the send (a relay refusing everyone) or why it failed (cannot be built). */
  reason: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  updated_at: Timestamp;
}

export const DELIVERY_STATUSES = ['pending', 'sent', 'failed', 'bounced', 'skipped', 'unknown'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One recipient of one send: the ledger of who got which email. */
export interface DeliveriesTable {
  id: Generated<number>;
  send_id: number;
  subscriber_id: number | null;
  status: ColumnType<DeliveryStatus, DeliveryStatus | undefined, DeliveryStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  lease_until: Timestamp | null;
  last_error: string | null;
  message_id: string | null;
  sent_at: Timestamp | null;
  claimed_by: ColumnType<string | null, string | null | undefined, string | null>;
  /** The flush that recorded this row's outcome (see record-outcomes.ts). */
  outcome_batch: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface SubscriberTagsTable {
  subscriber_id: number;
  /** Lower-cased label used to segment the list. */
  tag: string;
}

export const SUPPRESSION_KINDS = ['address', 'domain'] as const;
export type SuppressionKind = (typeof SUPPRESSION_KINDS)[number];

export const SUPPRESSION_REASONS = ['manual', 'bounce', 'complaint'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** Addresses and domains that must never be mailed, kept even after a subscriber is erased. */
export interface SuppressionsTable {
  id: Generated<number>;
  kind: SuppressionKind;
  /** Lower-cased address or ASCII domain; null when only the hash is kept (the owner was erased). */
  value: string | null;
  /** SHA-256 hex of the value: how lookups find an entry whatever became of its clear text. */
  value_hash: string;
  reason: SuppressionReason;
  created_at: Timestamp;
}

export const BOUNCE_KINDS = ['hard', 'soft', 'complaint'] as const;
export type BounceKind = (typeof BOUNCE_KINDS)[number];

/** Bounces and complaints reported by the mail provider for a subscriber (erased with them). */
export interface BounceEventsTable {
  id: Generated<number>;
  subscriber_id: number;
  provider: string;
  kind: BounceKind;
  detail: string | null;
  occurred_at: Timestamp;
  created_at: Timestamp;
}

/** Webhook notifications already applied (replay protection). */
export interface WebhookEventsTable {
  provider: string;
  event_id: string;
  received_at: Timestamp;
}

/** Facts about this installation, written once (e.g. `install_id`, which keeps Message-IDs unique). */
export interface MetaTable {
  key: string;
  value: string;
}

/** Running worker processes (and server processes with a worker), for liveness of their claims. */
export interface WorkersTable {
  id: string;
  host: string;
  pid: number;
  started_at: Timestamp;
  heartbeat_at: Timestamp;
}

/** One client's current window under one limit (`scope`): see src/http/shared-rate-limiter.ts. */
export interface RateLimitWindowsTable {
  scope: string;
  key: string;
  window_start_ms: number;
  count: number;
}

/** The next free slot of a deployment-wide rate (`send`): see src/sending/shared-pacer.ts. */
export interface RateSchedulesTable {
  name: string;
  next_slot_us: number;
}

export const EDITOR_ROLES = ['owner', 'editor'] as const;
export type EditorRole = (typeof EDITOR_ROLES)[number];

export const EDITOR_TOKEN_PURPOSES = ['set_password', 'reset_password'] as const;
export type EditorTokenPurpose = (typeof EDITOR_TOKEN_PURPOSES)[number];

/** A person who signs in to the editor's desk (/admin). */
export interface EditorsTable {
  id: Generated<number>;
  email: string;
  /** Lower-cased `email`: the sign-in and uniqueness key. */
  email_normalized: string;
  role: EditorRole;
  /** `pbkdf2-sha256$iterations$salt$hash` (src/editors/password-hash.ts); null until chosen. */
  password_hash: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  disabled_at: Timestamp | null;
}

/** One signed-in browser. The cookie holds the token; `id` is its SHA-256, so the table lets no one in. */
export interface EditorSessionsTable {
  id: string;
  editor_id: number;
  /** The token every state-changing desk form carries, bound to this session. */
  csrf_token: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  user_agent: string | null;
  ip: string | null;
}

/** A one-time link (set or reset a password); `id` is the SHA-256 of the token in the link. */
export interface EditorTokensTable {
  id: string;
  editor_id: number;
  purpose: EditorTokenPurpose;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  /** Random, set with used_at: which use spent the link (see src/editors/set-password.ts). */
  use_mark: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface Database {
  subscribers: SubscribersTable;
  mail_queue: MailQueueTable;
  settings: SettingsTable;
  api_keys: ApiKeysTable;
  posts: PostsTable;
  sends: SendsTable;
  deliveries: DeliveriesTable;
  subscriber_tags: SubscriberTagsTable;
  suppressions: SuppressionsTable;
  bounce_events: BounceEventsTable;
  webhook_events: WebhookEventsTable;
  meta: MetaTable;
  workers: WorkersTable;
  rate_limit_windows: RateLimitWindowsTable;
  rate_schedules: RateSchedulesTable;
  editors: EditorsTable;
  editor_sessions: EditorSessionsTable;
  editor_tokens: EditorTokensTable;
}

export type Db = Kysely<Database>;
