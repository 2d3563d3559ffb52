-- Generated from migrations/0006_send_outcomes.ts by scripts/generate-d1-migrations.ts: do not edit.
-- Regenerate with: node --import tsx scripts/generate-d1-migrations.ts
create table "meta" ("key" text primary key, "value" text not null);
insert into "meta" ("key", "value") values ('install_id', lower(hex(randomblob(12))));
alter table "deliveries" rename to "deliveries_0005";
alter table "sends" rename to "sends_0005";
create table "sends" ("id" integer primary key autoincrement, "post_id" integer not null unique references "posts" ("id"), "status" text not null check ("status" in ('queued', 'sending', 'paused', 'done', 'cancelled', 'failed')), "subject" text not null, "from_name" text not null, "from_address" text not null, "reply_to" text, "html" text, "text" text, "total" integer default 0 not null, "sent" integer default 0 not null, "failed" integer default 0 not null, "skipped" integer default 0 not null, "created_at" text not null, "started_at" text, "finished_at" text, "updated_at" text not null);
alter table "sends" add column "unknown" integer default 0 not null;
alter table "sends" add column "reason" text;
insert into "sends" ("id", "post_id", "status", "subject", "from_name", "from_address", "reply_to", "html", "text", "total", "sent", "failed", "skipped", "created_at", "started_at", "finished_at", "updated_at") select "id", "post_id", "status", "subject", "from_name", "from_address", "reply_to", "html", "text", "total", "sent", "failed", "skipped", "created_at", "started_at", "finished_at", "updated_at" from "sends_0005";
create table "deliveries" ("id" integer primary key autoincrement, "send_id" integer not null references "sends" ("id") on delete cascade, "subscriber_id" integer references "subscribers" ("id") on delete set null, "status" text default 'pending' not null check ("status" in ('pending', 'sent', 'failed', 'bounced', 'skipped', 'unknown')), "attempts" integer default 0 not null, "next_attempt_at" text not null, "lease_until" text, "last_error" text, "message_id" text, "sent_at" text);
insert into "deliveries" ("id", "send_id", "subscriber_id", "status", "attempts", "next_attempt_at", "lease_until", "last_error", "message_id", "sent_at") select "id", "send_id", "subscriber_id", "status", "attempts", "next_attempt_at", "lease_until", "last_error", "message_id", "sent_at" from "deliveries_0005";
drop table "deliveries_0005";
drop table "sends_0005";
create index "sends_status" on "sends" ("status", "id");
create unique index "deliveries_send_subscriber" on "deliveries" ("send_id", "subscriber_id");
create index "deliveries_send_status" on "deliveries" ("send_id", "status", "id");
create index "deliveries_subscriber" on "deliveries" ("subscriber_id");
