import type { Context } from 'hono';
import { Forbidden } from '../../errors.js';

/**
 * Refuses a desk form post that a browser says came from another site: `Sec-Fetch-Site` other
 * than same-origin (or none, a request the person made themselves), or an `Origin` that is
 * neither PUBLIC_URL's nor the request's own. Clients that send neither header (curl, old
 * browsers) pass here and meet the CSRF token next.
 */
export function requireSameOrigin(c: Context, publicUrl: string): void {
  const site = c.req.header('sec-fetch-site');
  const origin = c.req.header('origin');
  // `null` comes from privacy settings (a no-referrer policy, for one): trusted only when the
  // browser's own Fetch Metadata, which no page can forge, says the post came from this site.
  const ours = origin === undefined || origin === new URL(publicUrl).origin || origin === new URL(c.req.url).origin || (origin === 'null' && site === 'same-origin');
  if ((site !== undefined && site !== 'same-origin' && site !== 'none') || !ours) {
    throw new Forbidden(`This form was sent from another site, so it was refused. Open the desk at ${publicUrl}/admin and try again.`);
  }
}
