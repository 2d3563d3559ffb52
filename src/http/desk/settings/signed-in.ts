import type { Context } from 'hono';
import type { DeskEditor, DeskEnv } from '../desk-env.js';

/** What DeskPage needs about the session. */
export type SignedIn = { editor: DeskEditor; csrf: string };

/** The session's part of every page's props, read from the context the session middleware set. */
export const signedIn = (c: Context<DeskEnv>): SignedIn => ({ editor: c.get('editor'), csrf: c.get('csrf') });
