import type { DeskSession } from '../../editors/lookup-session.js';

/** The signed-in editor, as the desk's session guard puts it on the request. */
export type DeskEditor = DeskSession['editor'];

/**
 * What every signed-in desk route may read from the context (desk-guard.ts sets it): the session,
 * who is signed in, and the CSRF token that every state-changing form must carry as a hidden
 * field named `csrf` (the guard checks it on every unsafe request, so routes never do).
 */
export type DeskEnv = { Variables: { session: DeskSession; editor: DeskEditor; csrf: string } };

/** The field name of the CSRF token in every desk form. */
export const CSRF_FIELD = 'csrf';
