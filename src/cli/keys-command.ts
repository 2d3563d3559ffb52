import { createApiKey, listApiKeys, revokeApiKey } from '../keys/api-keys.js';
import { UsageError, type Command } from './command.js';

export const keysCommand: Command = {
  name: 'keys',
  usage: 'broadsheet keys create NAME | keys list | keys revoke ID',
  summary: 'manage admin API keys',
  async run([action, ...rest], ctx) {
    const deps = await ctx.deps();
    if (action === 'create' && rest.length > 0) {
      const key = await createApiKey(deps, rest.join(' '));
      ctx.out(`created key ${key.id} "${key.name}"; it is shown only now:\n${key.key}`);
    } else if (action === 'list') {
      for (const k of await listApiKeys(deps)) {
        ctx.out(`${k.id}\t${k.prefix}…\t${k.name}\tcreated ${k.created_at}\tlast used ${k.last_used_at ?? 'never'}${k.revoked_at ? `\trevoked ${k.revoked_at}` : ''}`);
      }
    } else if (action === 'revoke' && /^\d+$/.test(rest[0] ?? '')) {
      const key = await revokeApiKey(deps, Number(rest[0]));
      ctx.out(`revoked key ${key.id} "${key.name}"`);
    } else {
      throw new UsageError(this.usage);
    }
  },
};
