import { listSends } from '../sending/send-summary.js';
import { UsageError, type Command } from './command.js';
import { describeSend, followSend } from './follow-send.js';

export const sendsCommand: Command = {
  name: 'sends',
  usage: 'broadsheet sends [ID]',
  summary: 'list sends, or follow one with a progress bar until it finishes',
  async run(args, ctx) {
    const deps = await ctx.deps();
    if (args.length === 0) {
      const { sends } = await listSends(deps.db, { limit: 50 }, deps.clock.now());
      if (sends.length === 0) ctx.out('no sends yet');
      for (const s of sends) ctx.out(describeSend(s));
      return;
    }
    if (args.length !== 1 || !/^\d+$/.test(args[0]!)) throw new UsageError(this.usage);
    ctx.out(describeSend(await followSend(deps, Number(args[0]))));
  },
};
