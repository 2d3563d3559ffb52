/** The signed-in editor, as the desk's session middleware puts it on the request. */
export interface DeskEditor {
  id: number;
  email: string;
  role: 'owner' | 'editor';
}

/**
 * What every desk route may read from the context: who is signed in, and the CSRF token that
 * every state-changing form must carry as a hidden field named `csrf` (the middleware checks it
 * on every POST under /admin, so routes never do).
 */
export type DeskEnv = { Variables: { editor: DeskEditor; csrf: string } };

/** The field name of the CSRF token in every desk form. */
export const CSRF_FIELD = 'csrf';
