-- Generated from migrations/0007_worker_heartbeats.ts by scripts/generate-d1-migrations.ts: do not edit.
-- Regenerate with: node --import tsx scripts/generate-d1-migrations.ts
create table "workers" ("id" text primary key, "host" text not null, "pid" integer not null, "started_at" text not null, "heartbeat_at" text not null);
alter table "deliveries" add column "claimed_by" text;
alter table "mail_queue" add column "claimed_by" text;
