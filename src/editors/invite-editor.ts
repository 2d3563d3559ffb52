import type { Deps } from '../deps.js';
import { toMailError } from '../mail/mailer.js';
import { createEditor } from './create-editor.js';
import type { Editor } from './editor.js';
import { mailEditorLink } from './editor-mail.js';

export type Invitation = { editor: Editor; sent: true } | { editor: Editor; sent: false; link: string; reason: string };

/**
 * Adds an editor and mails them their set-password link, inline: the owner is waiting to hear
 * that it went. An existing address is refused by createEditor (Conflict) before anything is
 * sent. If the mail fails the editor exists all the same, so the link is handed back for the
 * owner to pass on by hand: otherwise the address would be taken with no way in.
 */
export async function inviteEditor(deps: Pick<Deps, 'db' | 'clock' | 'config' | 'mailer'>, input: { email: unknown; role: unknown }): Promise<Invitation> {
  const { editor, link } = await createEditor(deps, input);
  try {
    await mailEditorLink(deps, editor.email, 'invite', link);
    return { editor, sent: true };
  } catch (error) {
    return { editor, sent: false, link, reason: toMailError(error).message };
  }
}
