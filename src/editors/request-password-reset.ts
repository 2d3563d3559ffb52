import type { Deps } from '../deps.js';
import { parseEmailAddress } from '../subscriptions/email-address.js';
import { issueEditorToken, passwordLink } from './editor-tokens.js';

/**
 * Issues a reset link for the editor with this address, if there is one and they are not
 * disabled; resolves to the link, or null. A caller facing the public must answer the same
 * either way (and send the link by mail, never show it), so nobody learns who is an editor.
 */
export async function requestPasswordReset(deps: Pick<Deps, 'db' | 'clock' | 'config'>, email: unknown): Promise<string | null> {
  let normalized: string;
  try {
    normalized = parseEmailAddress(email).normalized;
  } catch {
    return null;
  }
  const { token, insert } = await issueEditorToken(deps.db, 'reset_password', deps.clock.now(), (eb) =>
    eb.and([eb('email_normalized', '=', normalized), eb('disabled_at', 'is', null)]),
  );
  const issued = await insert.executeTakeFirst();
  return issued ? passwordLink(deps.config.publicUrl, token) : null;
}
