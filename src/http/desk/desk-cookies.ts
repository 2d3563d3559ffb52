import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { SESSION_MAX_AGE_MS } from '../../editors/session-policy.js';

const SIGN_IN_FORM_MAX_AGE_S = 2 * 3600;

/**
 * The desk's cookies. On https they carry the `__Host-` prefix, which browsers honour only for
 * a Secure, host-only cookie on Path=/: no subdomain and no plain-http page can plant or read
 * one. On http (a desk on localhost) the prefix would make browsers drop them, so they go
 * without it and without Secure. Always HttpOnly and SameSite=Lax: scripts never see them, and
 * no other site's form posts arrive with them.
 */
export function deskCookies(publicUrl: string) {
  const secure = publicUrl.startsWith('https:');
  const name = (base: string) => (secure ? `__Host-${base}` : base);
  const options = { path: '/', secure, httpOnly: true, sameSite: 'Lax' } as const;
  const cookie = (base: string, maxAgeS: number) => ({
    name: name(base),
    get: (c: Context) => getCookie(c, name(base)),
    set: (c: Context, value: string) => setCookie(c, name(base), value, { ...options, maxAge: maxAgeS }),
    clear: (c: Context) => deleteCookie(c, name(base), options),
  });
  return {
    /** The session token (its hash is the stored session id). */
    session: cookie('broadsheet_session', SESSION_MAX_AGE_MS / 1000),
    /** The sign-in form's double-submit token: there is no session yet to bind a token to. */
    signInForm: cookie('broadsheet_sign_in', SIGN_IN_FORM_MAX_AGE_S),
  };
}

export type DeskCookies = ReturnType<typeof deskCookies>;
