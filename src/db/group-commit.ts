import { atomic } from './atomic.js';
import type { Db } from './database.js';

export interface GroupCommit {
  /** Runs `work` in a transaction shared with whatever other work arrived in the same turn. */
  run<T>(work: (trx: Db) => Promise<T>): Promise<T>;
}

interface Pending {
  work: (trx: Db) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = 64;

/**
 * Group commit for small, frequent write transactions (public subscribes). On SQLite a commit
 * writes every page it touched to the WAL — for one subscribe, the row and index pages of two
 * tables — and requests that arrive together touch the same pages, so one commit for all of
 * them costs little more than one for each. The result is the same as running the works one
 * after another (they share the transaction in arrival order). If the shared transaction fails,
 * each work runs again alone, so one bad request cannot fail its neighbours; works must
 * therefore have no effects outside the transaction.
 */
// It stays `atomic`: a shared transaction is what group commit is. D1 has none to share, so
// there it is off (`directCommit`) and each work's own units (atomicBatchWithin) stay whole.
export function createGroupCommit(db: Db): GroupCommit {
  const queue: Pending[] = [];
  let scheduled = false;

  async function flush() {
    const batch = queue.splice(0, MAX_BATCH);
    try {
      const results = await atomic(db, async (trx) => {
        const out: unknown[] = [];
        for (const item of batch) out.push(await item.work(trx));
        return out;
      });
      batch.forEach((item, i) => item.resolve(results[i]));
    } catch {
      for (const item of batch) {
        await atomic(db, item.work).then(item.resolve, item.reject);
      }
    }
    if (queue.length > 0) setImmediate(flush);
    else scheduled = false;
  }

  return {
    run<T>(work: (trx: Db) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
        if (!scheduled) {
          scheduled = true;
          // After the current I/O turn, so that requests parsed together commit together.
          setImmediate(flush);
        }
      });
    },
  };
}

/**
 * No sharing, and no transaction around the work: for D1, which has none to give. A shared unit
 * that failed could not be rolled back before each work ran again alone, and a work handed the
 * database itself (not a transaction) makes its `atomicBatchWithin` a real D1 batch().
 */
export const directCommit = (db: Db): GroupCommit => ({ run: (work) => work(db) });
