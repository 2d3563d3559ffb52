-- Generated from migrations/0003_post_publishing.ts by scripts/generate-d1-migrations.ts: do not edit.
-- Regenerate with: node --import tsx scripts/generate-d1-migrations.ts
alter table "posts" add column "summary" text default '' not null;
alter table "posts" add column "publish_error" text;
alter table "posts" add column "publish_attempts" integer default 0 not null;
alter table "posts" add column "publish_retry_at" text;
