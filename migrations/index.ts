import type { Migration } from 'kysely';
import * as m0001 from './0001_subscribers.js';
import * as m0002 from './0002_keys_and_posts.js';
import * as m0003 from './0003_post_publishing.js';
import * as m0004 from './0004_subscriber_management.js';
import * as m0005 from './0005_sends.js';
import * as m0006 from './0006_send_outcomes.js';
import * as m0007 from './0007_worker_heartbeats.js';
import * as m0008 from './0008_shared_limits.js';
import * as m0009 from './0009_outcome_batches.js';
import * as m0010 from './0010_editors.js';

/** Every migration, in order. Names never change once released; add new ones at the end. */
export const migrations: Record<string, Migration> = {
  '0001_subscribers': m0001,
  '0002_keys_and_posts': m0002,
  '0003_post_publishing': m0003,
  '0004_subscriber_management': m0004,
  '0005_sends': m0005,
  '0006_send_outcomes': m0006,
  '0007_worker_heartbeats': m0007,
  '0008_shared_limits': m0008,
  '0009_outcome_batches': m0009,
  '0010_editors': m0010,
};
