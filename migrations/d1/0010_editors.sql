-- Generated from migrations/0010_editors.ts by scripts/generate-d1-migrations.ts: do not edit.
-- Regenerate with: node --import tsx scripts/generate-d1-migrations.ts
create table "editors" ("id" integer primary key autoincrement, "email" text not null, "email_normalized" text not null unique, "role" text not null check ("role" in ('owner', 'editor')), "password_hash" text, "created_at" text not null, "updated_at" text not null, "disabled_at" text);
create table "editor_sessions" ("id" text primary key, "editor_id" integer not null references "editors" ("id") on delete cascade, "csrf_token" text not null, "created_at" text not null, "last_seen_at" text not null, "expires_at" text not null, "revoked_at" text, "user_agent" text, "ip" text);
create index "editor_sessions_editor" on "editor_sessions" ("editor_id", "revoked_at");
create table "editor_tokens" ("id" text primary key, "editor_id" integer not null references "editors" ("id") on delete cascade, "purpose" text not null check ("purpose" in ('set_password', 'reset_password')), "created_at" text not null, "expires_at" text not null, "used_at" text, "use_mark" text);
create index "editor_tokens_editor" on "editor_tokens" ("editor_id");
