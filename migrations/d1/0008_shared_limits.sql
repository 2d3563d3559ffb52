-- Generated from migrations/0008_shared_limits.ts by scripts/generate-d1-migrations.ts: do not edit.
-- Regenerate with: node --import tsx scripts/generate-d1-migrations.ts
create table "rate_limit_windows" ("scope" text not null, "key" text not null, "window_start_ms" bigint not null, "count" integer not null, constraint "rate_limit_windows_pkey" primary key ("scope", "key"));
create table "rate_schedules" ("name" text primary key, "next_slot_us" bigint not null);
