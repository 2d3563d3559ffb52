import type { Deps } from '../deps.js';
import { mailDomainOf } from '../mail/list-headers.js';
import { editorMessageId, loadInstallId } from '../mail/message-id.js';
import { createMimeTemplate } from '../mail/mime-template.js';
import { splitPlaceholders } from '../render/placeholders.js';
import { getSettings } from '../settings/settings.js';

export type EditorLinkPurpose = 'invite' | 'reset';

const WORDING: Record<EditorLinkPurpose, { subject: string; sentence: string }> = {
  invite: { subject: 'Your invitation to the desk of {{publication}}', sentence: 'You have been invited to the editor’s desk of {{publication}}. Choose your password here:' },
  reset: { subject: 'Reset your password for the desk of {{publication}}', sentence: 'Someone asked to reset your password for the desk of {{publication}}. If it was you, choose a new one here:' },
};

const TEXT = '{{sentence}}\n\n{{link}}\n\nThe link works once, for 24 hours. If you did not expect this mail, ignore it: nothing changes.\n';
const HTML =
  '<!doctype html><html><body><p>{{sentence}}</p><p><a href="{{link}}">{{link}}</a></p><p>The link works once, for 24 hours. If you did not expect this mail, ignore it: nothing changes.</p></body></html>\n';

/**
 * Mails one editor their set-password or reset link, straight through the mailer as a test send
 * is: an editor is no reader, so this mail has no List-Unsubscribe and skips the reader queue and
 * its suppression list. Built by the one MIME builder; the publication's name and the link are
 * placeholder values, so the builder escapes them (HTML) and no brace in a name opens a placeholder.
 */
export async function mailEditorLink(deps: Pick<Deps, 'db' | 'config' | 'clock' | 'mailer'>, to: string, purpose: EditorLinkPurpose, link: string): Promise<void> {
  const settings = await getSettings(deps.db, deps.config);
  const from = { name: settings.sender_name, address: settings.sender_email };
  const wording = WORDING[purpose];
  // A function, so a `$&` in the name is text, not a replacement pattern.
  const subject = wording.subject.replace('{{publication}}', () => settings.name);
  const sentence = wording.sentence.replace('{{publication}}', () => settings.name);
  const raw = createMimeTemplate({ from, replyTo: settings.reply_to || null, subject, html: splitPlaceholders(HTML), text: splitPlaceholders(TEXT) }).build({
    to,
    date: deps.clock.now(),
    messageId: editorMessageId({ installId: await loadInstallId(deps.db), domain: mailDomainOf(from.address) }),
    values: { sentence, link },
  });
  await deps.mailer.sendRaw({ from: from.address, to }, raw);
}
