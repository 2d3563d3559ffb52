import type { Deps } from '../deps.js';
import { Unprocessable } from '../errors.js';

/** What the admin API shows of one mailing of one post. */
export interface SendSummary {
  id: number;
  post_id: number;
  status: 'queued' | 'sending' | 'paused' | 'done' | 'cancelled';
  total: number;
  sent: number;
  failed: number;
  pending: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/**
 * Starts the mailing of a published post to every active subscriber. `deps.db` may be a
 * transaction, so publishing and snapshotting the audience commit together.
 *
 * The delivery engine (issue 5) is not built yet: until it lands this refuses plainly.
 */
export async function startSend(_deps: Pick<Deps, 'db' | 'clock' | 'config'>, _postId: number): Promise<SendSummary> {
  throw new Unprocessable('Mailing posts is not available yet in this version; publish with {"send": false} to publish on the web only.');
}
