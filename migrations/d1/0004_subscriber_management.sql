-- Generated from migrations/0004_subscriber_management.ts by scripts/generate-d1-migrations.ts: do not edit.
-- Regenerate with: node --import tsx scripts/generate-d1-migrations.ts
alter table "subscribers" add column "consent_basis" text default 'double_opt_in' not null check ("consent_basis" in ('double_opt_in', 'editor'));
create index "subscribers_created_id" on "subscribers" ("created_at", "id");
create index "subscribers_status_created_id" on "subscribers" ("status", "created_at", "id");
create table "subscriber_tags" ("subscriber_id" integer not null references "subscribers" ("id") on delete cascade, "tag" text not null, constraint "subscriber_tags_pk" primary key ("subscriber_id", "tag"));
create index "subscriber_tags_tag" on "subscriber_tags" ("tag", "subscriber_id");
create table "suppressions" ("id" integer primary key autoincrement, "kind" text not null check ("kind" in ('address', 'domain')), "value" text, "value_hash" text not null, "reason" text not null check ("reason" in ('manual', 'bounce', 'complaint')), "created_at" text not null, constraint "suppressions_kind_hash" unique ("kind", "value_hash"));
create index "suppressions_kind_value" on "suppressions" ("kind", "value");
create table "bounce_events" ("id" integer primary key autoincrement, "subscriber_id" integer not null references "subscribers" ("id") on delete cascade, "provider" text not null, "kind" text not null check ("kind" in ('hard', 'soft', 'complaint')), "detail" text, "occurred_at" text not null, "created_at" text not null);
create index "bounce_events_subscriber" on "bounce_events" ("subscriber_id", "occurred_at");
create table "webhook_events" ("provider" text not null, "event_id" text not null, "received_at" text not null, constraint "webhook_events_pk" primary key ("provider", "event_id"));
create index "webhook_events_received" on "webhook_events" ("received_at");
