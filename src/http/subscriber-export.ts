import type { Context } from 'hono';
import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { exportSubscribersCsv } from '../subscribers/export-subscribers.js';
import type { SubscriberFilter } from '../subscribers/subscriber-page.js';

/**
 * The subscriber export as a streamed CSV download, for the admin API and the desk alike: pulled
 * a page at a time as the client reads, so a large list never sits in memory.
 */
export function subscriberExportResponse(c: Context, deps: Pick<Deps, 'db' | 'clock'>, filter: SubscriberFilter, options: { bom: boolean }): Response {
  const rows = exportSubscribersCsv(deps, filter, options);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await rows.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
  return c.body(body, 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="subscribers-${iso(deps.clock.now()).slice(0, 10)}.csv"`,
  });
}
