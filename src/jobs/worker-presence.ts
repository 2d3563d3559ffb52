import { addMs, iso } from '../clock.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';

/** How often a worker writes its heartbeat. */
export const HEARTBEAT_MS = 2_000;
/** A worker silent this long is taken for dead: any worker may take its claims. */
export const HEARTBEAT_STALE_MS = 10_000;
/** Rows of workers gone this long are removed (they hold no claims that matter by then). */
const FORGET_AFTER_MS = 3_600_000;

/** Where a worker runs, for an operator reading the workers table (host name and process id on Node). */
export interface WorkerOrigin {
  host: string;
  pid: number;
}

export interface WorkerPresence {
  readonly id: string;
  /** Writes the heartbeat (the first one registers the worker). */
  beat(): Promise<void>;
  /**
   * Whether this worker's last heartbeat is recent enough that nobody has taken its claims: a
   * worker whose heartbeat writes are failing or late must stop handing claimed mail to SMTP.
   */
  holdsClaims(): boolean;
  /** Deregisters: whatever it still holds is free at once. */
  leave(): Promise<void>;
}

/**
 * The presence of one worker in the database. Claims carry the worker's id; a claim whose worker
 * stopped beating for HEARTBEAT_STALE_MS is free again, so a crashed worker's mail waits seconds,
 * not a whole lease. `holdsClaims` uses this process's own monotonic time, never the database's
 * clock: it must stay true only while others cannot yet see us as stale.
 */
export function createWorkerPresence(db: Db, clock: Clock, origin: WorkerOrigin): WorkerPresence {
  const id = crypto.randomUUID();
  const startedAt = iso(clock.now());
  let lastBeat = -Infinity;
  return {
    id,
    async beat() {
      const before = performance.now();
      const now = clock.now();
      await db
        .insertInto('workers')
        .values({ id, host: origin.host, pid: origin.pid, started_at: startedAt, heartbeat_at: iso(now) })
        .onConflict((oc) => oc.column('id').doUpdateSet({ heartbeat_at: iso(now) }))
        .execute();
      lastBeat = before;
      await db.deleteFrom('workers').where('heartbeat_at', '<', iso(addMs(now, -FORGET_AFTER_MS))).execute();
    },
    holdsClaims: () => performance.now() - lastBeat < HEARTBEAT_STALE_MS / 2,
    async leave() {
      await db.deleteFrom('workers').where('id', '=', id).execute();
      lastBeat = -Infinity;
    },
  };
}

/** The heartbeat time before which a worker counts as gone. */
export const staleBefore = (now: Date) => iso(addMs(now, -HEARTBEAT_STALE_MS));
