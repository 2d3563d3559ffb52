import { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { Deps } from '../../deps.js';
import { Invalid, RateLimited } from '../../errors.js';
import { getSettings } from '../../settings/settings.js';
import { confirmSubscription, inspectConfirmToken } from '../../subscriptions/confirm.js';
import { findByManageToken, unsubscribe, updatePreferences, type PreferencesAction } from '../../subscriptions/manage.js';
import { memberLinks } from '../../subscriptions/member-links.js';
import { subscribe } from '../../subscriptions/subscribe.js';
import { addressBucket } from '../address-bucket.js';
import { bodyLimit } from '../body-limit.js';
import { EmbedPage } from '../pages/embed-page.js';
import {
  CheckInboxPage,
  ConfirmedPage,
  ConfirmPage,
  PreferencesPage,
  SubscribePage,
  UnsubscribedPage,
  UnsubscribePage,
} from '../pages/subscription-pages.js';
import { clientIp, isFormPost, readBody, type RemoteAddress } from '../request.js';
import { createSharedRateLimiter } from '../shared-rate-limiter.js';

/** Subscribe requests are tiny; anything bigger is abuse or a mistake. */
export const SUBSCRIBE_BODY_LIMIT = 16 * 1024;

export const SUBSCRIBE_ACCEPTED = { status: 'pending', message: 'Check your inbox to confirm your subscription.' } as const;

export function subscriptionRoutes(deps: Deps, remoteAddress?: RemoteAddress) {
  const app = new Hono();
  const limiter = createSharedRateLimiter(deps, 'subscribe', deps.config.subscribeRateLimit);
  const publication = () => getSettings(deps.db, deps.config);
  const ip = (c: Parameters<RemoteAddress>[0]) => clientIp(c, deps.config.trustProxy, remoteAddress);

  app.use('/api/subscribe', cors({ origin: '*', allowMethods: ['POST', 'OPTIONS'], allowHeaders: ['Content-Type'], maxAge: 86400 }));
  app.post(
    '/api/subscribe',
    bodyLimit(SUBSCRIBE_BODY_LIMIT),
    async (c) => {
      const from = ip(c);
      const wait = await limiter.take(from ? addressBucket(from) : 'unknown');
      if (wait > 0) throw new RateLimited('Too many subscribe requests; try again later.', wait);
      const form = isFormPost(c);
      const body = await readBody(c);
      // Bots fill every field; people never see this one. Answer as if all went well.
      if (typeof body.website === 'string' && body.website !== '') {
        deps.logger.info('subscribe.honeypot', { ip: from });
      } else {
        try {
          await subscribe(deps, {
            email: body.email,
            name: body.name,
            source: typeof body.source === 'string' && /^[a-z0-9_-]{1,40}$/i.test(body.source) ? body.source : form ? 'form' : 'api',
            ip: from,
            userAgent: c.req.header('user-agent'),
          });
        } catch (error) {
          if (form && error instanceof Invalid) {
            const settings = await publication();
            const email = typeof body.email === 'string' ? body.email.replace(/[\r\n]/g, '') : undefined;
            return c.html(<SubscribePage publication={settings} action="/api/subscribe" email={email} error={error.message} />, 400);
          }
          throw error;
        }
      }
      return form ? c.html(<CheckInboxPage />, 202) : c.json(SUBSCRIBE_ACCEPTED, 202);
    },
  );

  app.get('/subscribe', async (c) => c.html(<SubscribePage publication={await publication()} action="/api/subscribe" />));

  app.get('/embed', async (c) => c.html(<EmbedPage publication={await publication()} />));

  app.get('/confirm/:token', async (c) => {
    inspectConfirmToken(deps, c.req.param('token'));
    return c.html(<ConfirmPage publication={await publication()} action={`/confirm/${c.req.param('token')}`} />);
  });

  app.post('/confirm/:token', async (c) => {
    const outcome = await confirmSubscription(deps, c.req.param('token'), ip(c));
    const settings = await publication();
    return c.html(<ConfirmedPage publication={settings} already={outcome === 'already_confirmed'} archiveUrl="/posts" />);
  });

  app.get('/unsubscribe/:token', async (c) => {
    const token = c.req.param('token');
    const member = await findByManageToken(deps, token);
    const links = memberLinks('', deps.tokens, member.id);
    return c.html(<UnsubscribePage publication={await publication()} member={member} action={`/unsubscribe/${token}`} preferencesUrl={links.preferences_url} />);
  });

  // Also the RFC 8058 one-click endpoint: mailbox providers POST `List-Unsubscribe=One-Click`
  // with no cookies and no CSRF token, and the signed token in the URL is the authority.
  app.post('/unsubscribe/:token', async (c) => {
    const member = await unsubscribe(deps, c.req.param('token'));
    const links = memberLinks('', deps.tokens, member.id);
    return c.html(<UnsubscribedPage publication={await publication()} member={member} preferencesUrl={links.preferences_url} />);
  });

  app.get('/preferences/:token', async (c) => {
    const token = c.req.param('token');
    const member = await findByManageToken(deps, token);
    return c.html(<PreferencesPage publication={await publication()} member={member} action={`/preferences/${token}`} />);
  });

  app.post('/preferences/:token', bodyLimit(SUBSCRIBE_BODY_LIMIT), async (c) => {
    const token = c.req.param('token');
    const body = await readBody(c);
    const action = body.action;
    if (action !== 'save' && action !== 'leave' && action !== 'resubscribe') throw new Invalid('action must be save, leave or resubscribe');
    const outcome = await updatePreferences(deps, token, { action: action satisfies PreferencesAction, name: body.name });
    const member = await findByManageToken(deps, token);
    return c.html(<PreferencesPage publication={await publication()} member={member} action={`/preferences/${token}`} notice={outcome} />);
  });

  return app;
}

