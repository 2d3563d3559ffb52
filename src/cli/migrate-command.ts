import { migrateToLatest } from '../db/migrate.js';
import { openDatabase } from '../db/open.js';
import type { Command } from './command.js';

export const migrateCommand: Command = {
  name: 'migrate',
  usage: 'broadsheet migrate',
  summary: 'apply pending database migrations',
  async run(_args, ctx) {
    const db = openDatabase(ctx.config.databaseUrl);
    try {
      const applied = await migrateToLatest(db);
      ctx.out(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    } finally {
      await db.destroy();
    }
  },
};
