import { CSRF_FIELD } from '../../desk/desk-guard.js';

/** The hidden field every state-changing desk form carries (checked by desk-guard.ts). */
export function CsrfField(props: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={props.token} />;
}
