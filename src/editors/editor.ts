import type { EditorRole } from '../db/database.js';

/** An editor as the desk and the CLI show them (never their password hash). */
export interface Editor {
  id: number;
  email: string;
  role: EditorRole;
  created_at: string;
  /** Whether they have chosen a password (followed their set-password link). */
  has_password: boolean;
  disabled_at: string | null;
}

export const EDITOR_COLUMNS = ['id', 'email', 'role', 'created_at', 'password_hash', 'disabled_at'] as const;

export const toEditor = (row: { id: number; email: string; role: EditorRole; created_at: string; password_hash: string | null; disabled_at: string | null }): Editor => ({
  id: row.id,
  email: row.email,
  role: row.role,
  created_at: row.created_at,
  has_password: row.password_hash !== null,
  disabled_at: row.disabled_at,
});
