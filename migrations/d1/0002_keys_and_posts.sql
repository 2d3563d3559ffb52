-- Generated from migrations/0002_keys_and_posts.ts by scripts/generate-d1-migrations.ts: do not edit.
-- Regenerate with: node --import tsx scripts/generate-d1-migrations.ts
create table "api_keys" ("id" integer primary key autoincrement, "name" text not null, "prefix" text not null, "key_hash" text not null unique, "created_at" text not null, "last_used_at" text, "revoked_at" text);
create table "posts" ("id" integer primary key autoincrement, "slug" text not null unique, "title" text not null, "excerpt" text, "author" text, "tags" text default '[]' not null, "email_subject" text, "body_markdown" text not null, "body_html" text not null, "status" text not null check ("status" in ('draft', 'scheduled', 'published')), "scheduled_at" text, "published_at" text, "send_on_publish" integer default 1 not null, "created_at" text not null, "updated_at" text not null);
create index "posts_status_published" on "posts" ("status", "published_at", "id");
create index "posts_status_scheduled" on "posts" ("status", "scheduled_at");
