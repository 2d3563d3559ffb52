import { stringify } from 'csv-stringify/sync';
import type { Deps } from '../deps.js';
import { nextTurn } from '../next-turn.js';
import { neutraliseCell } from './csv-cells.js';
import { subscriberPage, type Cursor, type SubscriberFilter } from './subscriber-page.js';
import { tagsOf } from './tags.js';

/** The import reads email, name, tags, status and created_at back; the rest is for people. */
export const EXPORT_COLUMNS = ['id', 'email', 'name', 'status', 'tags', 'created_at', 'confirmed_at', 'unsubscribed_at', 'source', 'consent_basis', 'attributes'];

const PAGE = 1000;
// RFC 4180: CRLF between records; csv-stringify quotes any field holding a comma, quote or line break.
const CSV = { record_delimiter: 'windows' } as const;

/**
 * The filtered list as RFC 4180 CSV, produced a page at a time so memory stays flat whatever the
 * list size, and other requests are served between pages. `bom` helps Excel recognise UTF-8.
 */
export async function* exportSubscribersCsv(deps: Pick<Deps, 'db'>, filter: SubscriberFilter, options: { bom?: boolean } = {}): AsyncGenerator<string> {
  yield (options.bom ? '\uFEFF' : '') + stringify([EXPORT_COLUMNS], CSV);
  let after: Cursor | undefined;
  for (;;) {
    const rows = await subscriberPage(deps.db, filter, PAGE, after);
    if (rows.length === 0) return;
    const tags = await tagsOf(deps.db, rows.map((r) => r.id));
    const records = rows.map((r) =>
      [
        String(r.id),
        r.email,
        r.name ?? '',
        r.status,
        tags.get(r.id)!.join(','),
        r.created_at,
        r.confirmed_at ?? '',
        r.unsubscribed_at ?? '',
        r.source,
        r.consent_basis,
        r.attributes,
      ].map(neutraliseCell),
    );
    yield stringify(records, CSV);
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1]!;
    after = { createdAt: last.created_at, id: last.id };
    // A reader that keeps up never makes the socket push back, so without this a 200k list held
    // the event loop for seconds.
    await nextTurn();
  }
}
