/**
 * Resolves on a later turn of the event loop, after pending I/O has been handled. Database calls
 * on better-sqlite3 are synchronous behind their promises, so a loop of awaited queries never
 * lets a request in by itself: long reads and writes call this between chunks so that subscribes
 * and /health are served meanwhile. setImmediate where the runtime has it (Node), else a
 * zero timeout (Workers, browsers).
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}
