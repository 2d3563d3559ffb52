-- Generated from migrations/0009_outcome_batches.ts by scripts/generate-d1-migrations.ts: do not edit.
-- Regenerate with: node --import tsx scripts/generate-d1-migrations.ts
alter table "deliveries" add column "outcome_batch" text;
