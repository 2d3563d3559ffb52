import { addMs, iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { Unauthorized } from '../errors.js';
import { parseEmailAddress } from '../subscriptions/email-address.js';
import { hashPassword, verifyPassword } from './password-hash.js';
import { randomToken, tokenHash } from './secret-token.js';
import { SESSION_MAX_AGE_MS } from './session-policy.js';

export const SIGN_IN_REFUSED = 'The email address or the password is not right.';

// Made once, lazily: checking a password against it costs what checking a real one does, so an
// unknown address answers as slowly as a known one with a wrong password.
let dummyHash: Promise<string> | undefined;

/**
 * The account a sign-in attempt is for, as its rate limit counts it: the address as sign-in
 * looks it up, or (not an address) the input itself, so either way one account is one budget.
 */
export function signInAccount(email: unknown): string {
  if (typeof email !== 'string') return '';
  try {
    return parseEmailAddress(email).normalized;
  } catch {
    return email.trim().toLowerCase().slice(0, 254);
  }
}

export interface NewSession {
  /** The cookie value: handed to the browser once, stored only as its hash. */
  token: string;
  editorId: number;
}

/**
 * Email and password to a new session. An unknown address, a wrong password, an editor with
 * no password yet and a disabled one all get the same Unauthorized after the same work, so the
 * answer tells nobody which addresses are editors.
 */
export async function signIn(deps: Pick<Deps, 'db' | 'clock'>, input: { email: unknown; password: unknown; userAgent?: string; ip?: string }): Promise<NewSession> {
  const password = typeof input.password === 'string' ? input.password : '';
  // Input that is no address matches no editor (every stored one is an address) and is refused like one.
  const editor = await deps.db
    .selectFrom('editors')
    .select(['id', 'password_hash'])
    .where('email_normalized', '=', signInAccount(input.email))
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  const valid = await verifyPassword(password, editor?.password_hash ?? (await (dummyHash ??= hashPassword(randomToken()))));
  if (!editor?.password_hash || !valid) throw new Unauthorized(SIGN_IN_REFUSED);

  const token = randomToken();
  const now = deps.clock.now();
  await deps.db
    .insertInto('editor_sessions')
    .values({
      id: await tokenHash(token),
      editor_id: editor.id,
      csrf_token: randomToken(),
      created_at: iso(now),
      last_seen_at: iso(now),
      expires_at: iso(addMs(now, SESSION_MAX_AGE_MS)),
      user_agent: input.userAgent?.slice(0, 300) ?? null,
      ip: input.ip ?? null,
    })
    .execute();
  return { token, editorId: editor.id };
}
