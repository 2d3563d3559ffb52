import { Hono, type Context } from 'hono';
import { SEND_STATUSES, type SendStatus } from '../../../db/database.js';
import type { Deps } from '../../../deps.js';
import { Conflict, Invalid, NotFound } from '../../../errors.js';
import { cancelSend, pauseSend, resumeSend, type SendControl } from '../../../sending/control-send.js';
import { countBounced } from '../../../sending/count-bounced.js';
import { listSendFailures } from '../../../sending/list-send-failures.js';
import { getSend, listSends } from '../../../sending/send-summary.js';
import { errorBody } from '../../errors.js';
import type { DeskEnv } from '../desk-env.js';
import { DeskPage } from '../desk-layout.js';
import { SendPage } from './send-page.js';
import { SendsListPage } from './sends-list-page.js';

const SENDS_PER_PAGE = 20;
const FAILURES_PER_PAGE = 50;

const CONTROLS: Record<SendControl, typeof pauseSend> = { pause: pauseSend, resume: resumeSend, cancel: cancelSend };

// Fixed messages for `?done=`: the query never reaches the page as text. A Map, so that
// `?done=constructor` finds nothing rather than Object's prototype.
const DONE = new Map<string, string>([
  ['pause', 'Paused. Messages already in flight finish; nothing new goes out until you resume.'],
  ['resume', 'Resumed: the worker picks the send up again.'],
  ['cancel', 'Cancelled. Readers not mailed yet will never get this send.'],
]);

/** Cursors are the API's (a send or delivery id): anything else is a broken link. */
function cursorParam(c: Context, name: string): string | undefined {
  const value = c.req.query(name);
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,15}$/.test(value)) throw new Invalid('This page link is not valid: start again from the list of sends.');
  return value;
}

function statusParam(c: Context): SendStatus | undefined {
  const value = c.req.query('status');
  if (value === undefined || value === '') return undefined;
  if (!(SEND_STATUSES as readonly string[]).includes(value)) throw new Invalid('Choose a status from the list.');
  return value as SendStatus;
}

/** /admin/sends: the list, one send's page with live progress, and its controls. */
export function sendsRoutes(deps: Deps) {
  const app = new Hono<DeskEnv>();
  const now = () => deps.clock.now();
  const who = (c: Context<DeskEnv>) => ({ editor: c.get('editor'), csrf: c.get('csrf') });

  const sendPage = async (c: Context<DeskEnv>, id: number, extra: { notice?: string; error?: string } = {}) => {
    const failuresCursor = cursorParam(c, 'failures');
    const send = await getSend(deps.db, id, now());
    const [bounced, failures] = await Promise.all([
      countBounced(deps.db, [id]),
      listSendFailures(deps.db, id, { limit: FAILURES_PER_PAGE, ...(failuresCursor ? { cursor: failuresCursor } : {}) }),
    ]);
    return <SendPage {...who(c)} send={send} bounced={bounced.get(id) ?? 0} failures={failures} {...(failuresCursor ? { failuresCursor } : {})} {...extra} />;
  };

  app.get('/admin/sends', async (c) => {
    const status = statusParam(c);
    const cursor = cursorParam(c, 'cursor');
    const page = await listSends(deps.db, { limit: SENDS_PER_PAGE, ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) }, now());
    const bounced = await countBounced(deps.db, page.sends.map((s) => s.id));
    return c.html(<SendsListPage {...who(c)} page={page} bounced={bounced} paged={cursor !== undefined} {...(status ? { status } : {})} />);
  });

  app.get('/admin/sends/:id{[0-9]{1,15}}', async (c) => {
    const notice = DONE.get(c.req.query('done') ?? '');
    return c.html(await sendPage(c, Number(c.req.param('id')), notice ? { notice } : {}));
  });

  // What the page's script polls: the very summary GET /api/admin/sends/{id} answers.
  app.get('/admin/sends/:id{[0-9]{1,15}}/progress.json', async (c) => c.json(await getSend(deps.db, Number(c.req.param('id')), now())));

  for (const [action, control] of Object.entries(CONTROLS)) {
    app.post(`/admin/sends/:id{[0-9]{1,15}}/${action}`, async (c) => {
      const id = Number(c.req.param('id'));
      try {
        await control(deps, id);
      } catch (err) {
        // Someone else (or the worker) moved the send first: say so on its page.
        if (err instanceof Conflict) return c.html(await sendPage(c, id, { error: `${err.message}.` }), 409);
        throw err;
      }
      return c.redirect(`/admin/sends/${id}?done=${action}`, 303);
    });
  }

  // Unknown sends and broken links get a desk page (or JSON for the script), not the site's.
  app.onError((err, c) => {
    if (!(err instanceof NotFound || err instanceof Invalid)) throw err;
    const status = err instanceof NotFound ? 404 : 400;
    if (c.req.path.endsWith('.json')) return c.json(errorBody(err.code, err.message), status);
    const title = status === 404 ? 'Send not found' : 'Link not valid';
    return c.html(
      <DeskPage title={title} section="sends" {...who(c)}>
        <p>{err.message}</p>
        <p>
          <a href="/admin/sends">All sends</a>
        </p>
      </DeskPage>,
      status,
    );
  });
  return app;
}
