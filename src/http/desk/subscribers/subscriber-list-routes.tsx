import { Hono } from 'hono';
import type { Deps } from '../../../deps.js';
import { listSubscribers } from '../../../subscribers/list-subscribers.js';
import { subscriberStats } from '../../../subscribers/subscriber-stats.js';
import type { DeskEnv } from '../desk-env.js';
import { subscriberExportResponse } from '../../subscriber-export.js';
import { readListQuery, toFilter } from './list-filter.js';
import { SubscriberListPage } from './subscriber-list-page.js';

const PAGE_SIZE = 50;

/** GET /admin/subscribers (search, filter, pages) and its CSV export. */
export function subscriberListRoutes(deps: Deps) {
  const app = new Hono<DeskEnv>();

  app.get('/admin/subscribers', async (c) => {
    const query = readListQuery((name) => c.req.query(name));
    const cursor = c.req.query('cursor') || undefined;
    const [page, counts] = await Promise.all([
      listSubscribers(deps, { ...toFilter(query), limit: PAGE_SIZE, cursor }),
      subscriberStats(deps),
    ]);
    return c.html(
      <SubscriberListPage
        editor={c.get('editor')}
        csrf={c.get('csrf')}
        query={query}
        counts={counts}
        subscribers={page.subscribers}
        nextCursor={page.next_cursor}
        paged={cursor !== undefined}
        done={c.req.query('done')}
      />,
    );
  });

  app.get('/admin/subscribers/export.csv', (c) =>
    subscriberExportResponse(c, deps, toFilter(readListQuery((name) => c.req.query(name))), { bom: false }),
  );

  return app;
}
