import type { Migration } from 'kysely';
import * as m0001 from './0001_subscribers.js';

/** Every migration, in order. Names never change once released; add new ones at the end. */
export const migrations: Record<string, Migration> = {
  '0001_subscribers': m0001,
};
