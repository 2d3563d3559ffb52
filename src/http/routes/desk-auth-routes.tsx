import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { RateLimit } from '../../config.js';
import type { Deps } from '../../deps.js';
import { lookupSession } from '../../editors/lookup-session.js';
import { mailPasswordReset } from '../../editors/mail-password-reset.js';
import { randomToken, sameText } from '../../editors/secret-token.js';
import { inspectPasswordToken, setPasswordWithToken, UnusableLink } from '../../editors/set-password.js';
import { signIn, signInAccount } from '../../editors/sign-in.js';
import { signOut } from '../../editors/sign-out.js';
import { signOutEverywhere } from '../../editors/sign-out-everywhere.js';
import { Forbidden, Invalid, RateLimited, Unauthorized } from '../../errors.js';
import { addressBucket } from '../address-bucket.js';
import { bodyLimit } from '../body-limit.js';
import { FORM_OVERHEAD_BYTES } from '../desk/subscribers/import-routes.js';
import { IMPORT_MAX_BYTES } from './subscriber-routes.js';
import { POST_BODY_LIMIT } from './post-routes.js';
import { deskCookies } from '../desk/desk-cookies.js';
import { CSRF_FIELD, type DeskEnv } from '../desk/desk-env.js';
import { deskGuard } from '../desk/desk-guard.js';
import { nextPath } from '../desk/next-path.js';
import { AccountPage } from '../pages/desk/account-page.js';
import { ForgotPasswordPage } from '../pages/desk/forgot-password-page.js';
import { SetPasswordPage } from '../pages/desk/set-password-page.js';
import { SIGN_IN_NOTICES, SignInPage, type SignInNotice } from '../pages/desk/sign-in-page.js';
import { clientIp, readBody, type RemoteAddress } from '../request.js';
import { createSharedRateLimiter } from '../shared-rate-limiter.js';

/** Sign-in attempts one account may receive: slows guessing one editor's password to a crawl. */
export const SIGN_IN_PER_ACCOUNT: RateLimit = { count: 5, windowMs: 15 * 60_000 };
/** Sign-in attempts from one client (an IPv4 address, an IPv6 /64), across accounts. */
export const SIGN_IN_PER_CLIENT: RateLimit = { count: 20, windowMs: 15 * 60_000 };

/** Reset mails one address may be sent: enough for a lost mail or two, too few to flood a mailbox. */
export const RESET_PER_ACCOUNT: RateLimit = { count: 3, windowMs: 60 * 60_000 };
/** Reset requests from one client, across addresses. */
export const RESET_PER_CLIENT: RateLimit = { count: 10, windowMs: 15 * 60_000 };

/** Desk forms are a few fields, but for a post's Markdown and a CSV upload. */
const DESK_FORM_LIMIT = 16 * 1024;
const postForms = bodyLimit(POST_BODY_LIMIT);
const uploads = bodyLimit(IMPORT_MAX_BYTES + FORM_OVERHEAD_BYTES);
const forms = bodyLimit(DESK_FORM_LIMIT);

/**
 * One limit per request, chosen by path, and before the guard: the guard reads the form for its
 * CSRF field, and a body can be read (and limited) only once.
 */
function deskBodyLimit(): MiddlewareHandler {
  return (c, next) => {
    const path = c.req.path;
    const limit = path === '/admin/subscribers/import' ? uploads : path === '/admin/posts' || path.startsWith('/admin/posts/') ? postForms : forms;
    return limit(c, next);
  };
}

/** Lets background work outlive the response on Workers; on Node the process outlives it anyway. */
function keepAlive(c: Context, work: Promise<unknown>) {
  let ctx: { waitUntil(work: Promise<unknown>): void } | undefined;
  try {
    ctx = c.executionCtx;
  } catch {
    // Hono throws here when the runtime gave no execution context (Node).
  }
  ctx?.waitUntil(work);
}

const asNotice = (value: string | undefined): SignInNotice | undefined => (value && Object.hasOwn(SIGN_IN_NOTICES, value) ? (value as SignInNotice) : undefined);

/**
 * The desk's sign-in, set-password, account and sign-out pages, and the guard over all of
 * /admin, in front of the signed-in `areas`.
 */
export function deskAuthRoutes(deps: Deps, areas: Hono<DeskEnv>, remoteAddress?: RemoteAddress) {
  const app = new Hono<DeskEnv>();
  const cookies = deskCookies(deps.config.publicUrl);
  const perAccount = createSharedRateLimiter(deps, 'desk_sign_in_account', SIGN_IN_PER_ACCOUNT);
  const perClient = createSharedRateLimiter(deps, 'desk_sign_in_client', SIGN_IN_PER_CLIENT);
  const resetPerAccount = createSharedRateLimiter(deps, 'desk_reset_account', RESET_PER_ACCOUNT);
  const resetPerClient = createSharedRateLimiter(deps, 'desk_reset_client', RESET_PER_CLIENT);
  const tooMany = (what: string, seconds: number) => {
    const minutes = Math.ceil(seconds / 60);
    return new RateLimited(`Too many ${what}. For your account's safety, wait ${minutes === 1 ? 'a minute' : `${minutes} minutes`} before trying again.`, seconds);
  };

  /** The sign-in and reset forms' double-submit token: the cookie's, or a new one set now. */
  const signInToken = (c: Context) => {
    const current = cookies.signInForm.get(c);
    if (current) return current;
    const token = randomToken(16);
    cookies.signInForm.set(c, token);
    return token;
  };

  /** The double-submit check of the open forms (no session yet); resolves to the token. */
  const checkDoorForm = (c: Context, body: Record<string, unknown>) => {
    const expected = cookies.signInForm.get(c);
    const given = body[CSRF_FIELD];
    if (!expected || typeof given !== 'string' || !sameText(given, expected)) {
      throw new Forbidden('This form has expired, or your browser refuses cookies (the desk needs them). Reload the page and try again.');
    }
    return expected;
  };

  app.post('/admin/*', deskBodyLimit());
  // Also matches /admin itself.
  app.use('/admin/*', deskGuard(deps, cookies));

  app.get('/admin/account', (c) => c.html(<AccountPage editor={c.get('editor')} csrf={c.get('csrf')} />));

  app.get('/admin/sign-in', async (c) => {
    const next = nextPath(c.req.query('next'));
    if (await lookupSession(deps, cookies.session.get(c))) return c.redirect(next, 303);
    return c.html(<SignInPage csrf={signInToken(c)} next={next} notice={asNotice(c.req.query('notice'))} />);
  });

  app.post('/admin/sign-in', async (c) => {
    const body = await readBody(c);
    const expected = checkDoorForm(c, body);
    const ip = clientIp(c, deps.config.trustProxy, remoteAddress);
    // Client first: an attacker spraying many accounts is stopped without spending their budgets.
    const wait = (await perClient.take(ip ? addressBucket(ip) : 'unknown')) || (await perAccount.take(signInAccount(body.email)));
    if (wait > 0) throw tooMany('sign-in attempts', wait);
    const next = nextPath(body.next);
    try {
      const session = await signIn(deps, { email: body.email, password: body.password, userAgent: c.req.header('user-agent'), ip });
      cookies.session.set(c, session.token);
      return c.redirect(next, 303);
    } catch (error) {
      if (!(error instanceof Unauthorized)) throw error;
      const email = typeof body.email === 'string' ? body.email.replace(/[\r\n]/g, '') : undefined;
      return c.html(<SignInPage csrf={expected} next={next} email={email} error={error.message} />, 401);
    }
  });

  app.get('/admin/forgot-password', (c) => c.html(<ForgotPasswordPage csrf={signInToken(c)} />));

  app.post('/admin/forgot-password', async (c) => {
    const body = await readBody(c);
    const csrf = checkDoorForm(c, body);
    const ip = clientIp(c, deps.config.trustProxy, remoteAddress);
    const wait = (await resetPerClient.take(ip ? addressBucket(ip) : 'unknown')) || (await resetPerAccount.take(signInAccount(body.email)));
    if (wait > 0) throw tooMany('password reset requests', wait);
    // Not awaited: the answer must not wait on the lookup or the mail server, or its timing would
    // tell a known address from an unknown one. On Workers the runtime is asked to let it finish.
    const mailing = mailPasswordReset(deps, body.email).catch((error: unknown) =>
      deps.logger.error('desk_reset_mail_failed', { error: error instanceof Error ? error.message : String(error) }),
    );
    keepAlive(c, mailing);
    return c.html(<ForgotPasswordPage csrf={csrf} requested />);
  });

  app.get('/admin/set-password/:token', async (c) => {
    const { email } = await inspectPasswordToken(deps, c.req.param('token'));
    return c.html(<SetPasswordPage email={email} action={c.req.path} />);
  });

  app.post('/admin/set-password/:token', async (c) => {
    const token = c.req.param('token');
    const body = await readBody(c);
    try {
      if (body.password !== body.password_confirm) throw new Invalid('The two passwords are not the same.');
      await setPasswordWithToken(deps, token, body.password);
    } catch (error) {
      if (!(error instanceof Invalid) || error instanceof UnusableLink) throw error;
      const { email } = await inspectPasswordToken(deps, token);
      return c.html(<SetPasswordPage email={email} action={c.req.path} error={error.message} />, 400);
    }
    return c.redirect('/admin/sign-in?notice=password_set', 303);
  });

  app.post('/admin/sign-out', async (c) => {
    await signOut(deps, c.get('session').id);
    cookies.session.clear(c);
    return c.redirect('/admin/sign-in?notice=signed_out', 303);
  });

  app.post('/admin/sign-out-everywhere', async (c) => {
    await signOutEverywhere(deps, c.get('session').editor.id);
    cookies.session.clear(c);
    return c.redirect('/admin/sign-in?notice=signed_out_everywhere', 303);
  });

  app.route('/', areas);
  return app;
}
