-- Generated from migrations/0001_subscribers.ts by scripts/generate-d1-migrations.ts: do not edit.
-- Regenerate with: node --import tsx scripts/generate-d1-migrations.ts
create table "subscribers" ("id" integer primary key autoincrement, "email" text not null, "email_normalized" text not null unique, "name" text, "status" text not null check ("status" in ('pending', 'active', 'unsubscribed', 'bounced', 'complained')), "source" text not null, "consent_ip" text, "consent_user_agent" text, "consent_at" text, "confirm_ip" text, "attributes" text default '{}' not null, "created_at" text not null, "updated_at" text not null, "confirmed_at" text, "unsubscribed_at" text);
create index "subscribers_status_id" on "subscribers" ("status", "id");
create table "mail_queue" ("id" integer primary key autoincrement, "kind" text not null check ("kind" in ('confirm', 'welcome')), "subscriber_id" integer not null references "subscribers" ("id") on delete cascade, "status" text default 'pending' not null check ("status" in ('pending', 'sent', 'failed', 'skipped')), "attempts" integer default 0 not null, "next_attempt_at" text not null, "lease_until" text, "last_error" text, "message_id" text, "created_at" text not null, "sent_at" text);
create index "mail_queue_due" on "mail_queue" ("status", "next_attempt_at");
create index "mail_queue_subscriber" on "mail_queue" ("subscriber_id", "kind", "created_at");
create table "settings" ("key" text primary key, "value" text not null, "updated_at" text not null);
