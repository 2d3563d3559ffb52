-- Generated from migrations/0005_sends.ts by scripts/generate-d1-migrations.ts: do not edit.
-- Regenerate with: node --import tsx scripts/generate-d1-migrations.ts
create table "sends" ("id" integer primary key autoincrement, "post_id" integer not null unique references "posts" ("id"), "status" text not null check ("status" in ('queued', 'sending', 'paused', 'done', 'cancelled')), "subject" text not null, "from_name" text not null, "from_address" text not null, "reply_to" text, "html" text, "text" text, "total" integer default 0 not null, "sent" integer default 0 not null, "failed" integer default 0 not null, "skipped" integer default 0 not null, "created_at" text not null, "started_at" text, "finished_at" text, "updated_at" text not null);
create index "sends_status" on "sends" ("status", "id");
create table "deliveries" ("id" integer primary key autoincrement, "send_id" integer not null references "sends" ("id") on delete cascade, "subscriber_id" integer references "subscribers" ("id") on delete set null, "status" text default 'pending' not null check ("status" in ('pending', 'sent', 'failed', 'bounced', 'skipped')), "attempts" integer default 0 not null, "next_attempt_at" text not null, "lease_until" text, "last_error" text, "message_id" text, "sent_at" text);
create unique index "deliveries_send_subscriber" on "deliveries" ("send_id", "subscriber_id");
create index "deliveries_send_status" on "deliveries" ("send_id", "status", "id");
create index "deliveries_subscriber" on "deliveries" ("subscriber_id");
