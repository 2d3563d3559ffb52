import type { Deps } from '../deps.js';
import { parseEmailAddress } from '../subscriptions/email-address.js';
import { mailEditorLink } from './editor-mail.js';
import { requestPasswordReset } from './request-password-reset.js';

/**
 * Mails a reset link to `email` if it is a desk account's (and not disabled); does nothing for
 * any other input. Resolves either way with nothing, so a caller cannot tell the cases apart.
 */
export async function mailPasswordReset(deps: Pick<Deps, 'db' | 'clock' | 'config' | 'mailer'>, email: unknown): Promise<void> {
  const link = await requestPasswordReset(deps, email);
  // A link was issued, so the input is an address that matched an account case-insensitively.
  if (link) await mailEditorLink(deps, parseEmailAddress(email).email, 'reset', link);
}
