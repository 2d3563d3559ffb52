import type { Migration } from 'kysely';
import * as m0001 from './0001_subscribers.js';
import * as m0002 from './0002_keys_and_posts.js';

/** Every migration, in order. Names never change once released; add new ones at the end. */
export const migrations: Record<string, Migration> = {
  '0001_subscribers': m0001,
  '0002_keys_and_posts': m0002,
};
