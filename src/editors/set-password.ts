import { iso } from '../clock.js';
import { atomicBatch } from '../db/atomic.js';
import type { Deps } from '../deps.js';
import { Invalid } from '../errors.js';
import { checkNewPassword, hashPassword } from './password-hash.js';
import { randomToken, tokenHash } from './secret-token.js';

/** The link cannot be used (unknown, used, expired, its editor disabled): unlike a refused password, asking again will not help. */
export class UnusableLink extends Invalid {
  constructor() {
    super('This link is not valid, has already been used or has expired. Ask an owner of the desk for a new one.');
  }
}

/** The editor a set-password link is for, if it can still be used (the GET page), else Invalid. */
export async function inspectPasswordToken(deps: Pick<Deps, 'db' | 'clock'>, token: string): Promise<{ email: string }> {
  const row = await deps.db
    .selectFrom('editor_tokens as t')
    .innerJoin('editors as e', 'e.id', 't.editor_id')
    .select('e.email')
    .where('t.id', '=', await tokenHash(token))
    .where('t.used_at', 'is', null)
    .where('t.expires_at', '>', iso(deps.clock.now()))
    .where('e.disabled_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw new UnusableLink();
  return row;
}

/**
 * Uses a set-password or reset link: marks it used, stores the new password and ends every
 * session of the editor (whoever knew the old password is out), as one unit. The first
 * statement decides: only a link still unused and unexpired is marked, with a random mark of
 * this use, and the other two act only for the link carrying that mark, so two submissions
 * racing each other set one password. Returns the editor's address.
 */
export async function setPasswordWithToken(deps: Pick<Deps, 'db' | 'clock'>, token: string, password: unknown): Promise<{ email: string }> {
  const hash = await hashPassword(checkNewPassword(password));
  const id = await tokenHash(token);
  const now = iso(deps.clock.now());
  const db = deps.db;
  const mark = randomToken(16);
  const usedNow = db.selectFrom('editor_tokens').select('editor_id').where('id', '=', id).where('use_mark', '=', mark);
  const [marked] = await atomicBatch(db, [
    db
      .updateTable('editor_tokens')
      .set({ used_at: now, use_mark: mark })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .where('editor_id', 'in', db.selectFrom('editors').select('id').where('disabled_at', 'is', null))
      .returning('editor_id'),
    db.updateTable('editors').set({ password_hash: hash, updated_at: now }).where('id', 'in', usedNow),
    db.updateTable('editor_sessions').set({ revoked_at: now }).where('editor_id', 'in', usedNow).where('revoked_at', 'is', null),
  ]);
  const editorId = (marked!.rows[0] as { editor_id: number } | undefined)?.editor_id;
  if (editorId === undefined) throw new UnusableLink();
  return db.selectFrom('editors').select('email').where('id', '=', editorId).executeTakeFirstOrThrow();
}
