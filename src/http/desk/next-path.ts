/**
 * Where to go after signing in: a path inside the desk, or /admin. Anything else (another
 * host, `//evil.example`, a backslash some browsers read as a slash) is dropped, so the
 * sign-in page cannot be made into an open redirect.
 */
export function nextPath(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length > 2000) return '/admin';
  return /^\/admin(?:[/?][^\\\s]*)?$/.test(raw) && !raw.includes('//') ? raw : '/admin';
}
