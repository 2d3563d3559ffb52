import { createEditor } from '../editors/create-editor.js';
import { listEditors } from '../editors/list-editors.js';
import { UsageError, type Command } from './command.js';

export const usersCommand: Command = {
  name: 'users',
  usage: 'broadsheet users create EMAIL [--role owner|editor] | users list',
  summary: "manage the editor's desk sign-ins",
  async run([action, ...rest], ctx) {
    if (action === 'create' && (rest.length === 1 || (rest.length === 3 && rest[1] === '--role'))) {
      const { editor, link } = await createEditor(await ctx.deps(), { email: rest[0], role: rest[2] });
      ctx.out(`created ${editor.role} ${editor.id} ${editor.email}; send them this link to choose a password (it works once, for 24 hours):\n${link}`);
    } else if (action === 'list' && rest.length === 0) {
      for (const e of await listEditors(await ctx.deps())) {
        const state = e.disabled_at ? `disabled ${e.disabled_at}` : e.has_password ? 'active' : 'no password yet';
        ctx.out(`${e.id}\t${e.email}\t${e.role}\t${state}\tcreated ${e.created_at}`);
      }
    } else {
      throw new UsageError(this.usage);
    }
  },
};
