import { Hono } from 'hono';
import type { Deps } from '../../../deps.js';
import { countBounced } from '../../../sending/count-bounced.js';
import { listSends } from '../../../sending/send-summary.js';
import { subscriberStats } from '../../../subscribers/subscriber-stats.js';
import type { DeskEnv } from '../desk-env.js';
import { DashboardPage } from './dashboard-page.js';

const GROWTH_DAYS = 30;
const LATEST_SENDS = 5;

/** GET /admin: the same counts as GET /api/admin/stats and GET /api/admin/sends. */
export function dashboardRoutes(deps: Deps) {
  const app = new Hono<DeskEnv>();
  app.get('/admin', async (c) => {
    const [stats, latest] = await Promise.all([subscriberStats(deps), listSends(deps.db, { limit: LATEST_SENDS }, deps.clock.now())]);
    const bounced = await countBounced(deps.db, latest.sends.map((s) => s.id));
    return c.html(
      <DashboardPage
        editor={c.get('editor')}
        csrf={c.get('csrf')}
        active={stats.by_status.active}
        days={stats.days.slice(-GROWTH_DAYS)}
        sends={latest.sends}
        bounced={bounced}
      />,
    );
  });
  return app;
}
