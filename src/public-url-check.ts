import type { Config } from './config.js';
import type { Logger } from './log.js';

// Names that never reach a mailbox provider: loopback, and the reserved TLDs of RFC 6761.
const LOCAL_HOST = /^(localhost|.+\.localhost|.+\.test|127(\.\d{1,3}){3}|\[::1\])$/i;

/** Whether links under `publicUrl` fall short of RFC 8058 for a real publication (plain http to a non-local host). */
export function isInsecurePublicUrl(publicUrl: string): boolean {
  const url = new URL(publicUrl);
  return url.protocol === 'http:' && !LOCAL_HOST.test(url.hostname);
}

/**
 * Warns once at start-up when PUBLIC_URL is plain http on a real host: List-Unsubscribe then
 * carries an http link, which RFC 8058 one-click unsubscribe does not allow (mailbox providers
 * ignore it), and readers' tokens travel in the clear. A warning, not an error: a proxy that
 * redirects to https is common while setting up.
 */
export function warnIfInsecurePublicUrl(config: Pick<Config, 'publicUrl'>, logger: Logger): void {
  if (!isInsecurePublicUrl(config.publicUrl)) return;
  logger.warn('config.public_url_insecure', {
    public_url: config.publicUrl,
    message: 'PUBLIC_URL is not https: List-Unsubscribe links will not work as one-click unsubscribe (RFC 8058) and tokens travel in the clear; set PUBLIC_URL to the https address readers use',
  });
}
