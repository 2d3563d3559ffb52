import { stopOnSignals } from '../node-server.js';
import { warnIfInsecurePublicUrl } from '../public-url-check.js';
import { startWorker } from '../runtime.js';
import type { Command } from './command.js';

/** Sending apart from the API: run this next to `npm start` processes (or instead of their worker). */
export const workerCommand: Command = {
  name: 'worker',
  usage: 'broadsheet worker',
  summary: 'run only the background worker (mail queue, scheduled posts, sends)',
  async run(_args, ctx) {
    const deps = await ctx.deps();
    const worker = startWorker(deps);
    ctx.logger.info('worker.started', { database: ctx.config.databaseUrl, mail: ctx.config.smtpUrl ? 'smtp' : 'outbox' });
    warnIfInsecurePublicUrl(ctx.config, ctx.logger);
    stopOnSignals(async () => {
      await worker.stop();
      await deps.mailer.close();
      await deps.db.destroy();
    }, ctx.logger);
    await new Promise(() => {});
  },
};
