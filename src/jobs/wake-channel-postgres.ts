import { sql } from 'kysely';
import pg from 'pg';
import type { Db } from '../db/database.js';
import type { Logger } from '../log.js';
import type { WakeChannel } from './wake-channel.js';

const CHANNEL = 'broadsheet_wake';
/** Waits between attempts to listen again after the connection was lost. */
const RETRY_MS = [1000, 2000, 5000, 10_000, 30_000];

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error ?? 'connection ended'));

/**
 * LISTEN/NOTIFY. A notification carries the schema (publications may share one database in
 * separate schemas, and must wake only their own workers) and the sender's id (its own worker
 * was woken directly). Notifying goes through the pool; listening needs a connection of its own
 * that stays open, and is opened again after it drops, with a wake-up then for whatever was
 * notified in between.
 */
export function createPostgresWakeChannel(url: string, db: Db, logger: Logger): WakeChannel {
  const self = crypto.randomUUID();
  // At most one NOTIFY in flight and one more behind it: a burst of subscribes costs two round trips.
  let sending = false;
  let again = false;
  const send = async () => {
    sending = true;
    try {
      do {
        again = false;
        await sql`select pg_notify(${CHANNEL}, current_schema() || ' ' || ${self})`.execute(db);
      } while (again);
    } catch (error) {
      logger.warn('wake.notify_failed', { error: messageOf(error) });
    } finally {
      sending = false;
    }
  };

  return {
    notify() {
      if (sending) again = true;
      else void send();
    },

    async listen(onWake) {
      let client: pg.Client | undefined;
      let stopped = false;
      let failures = 0;
      let timer: ReturnType<typeof setTimeout> | undefined;

      const retry = () => {
        if (stopped || timer) return;
        const delay = RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)];
        timer = setTimeout(() => {
          timer = undefined;
          void connect();
        }, delay);
      };

      async function connect(): Promise<void> {
        const c = new pg.Client({ connectionString: url });
        let dropped = false;
        const drop = (error?: unknown) => {
          if (dropped) return;
          dropped = true;
          if (client === c) client = undefined;
          c.end().catch(() => {});
          if (stopped) return;
          logger.warn('wake.listen_lost', { error: messageOf(error), retry_ms: RETRY_MS[Math.min(failures, RETRY_MS.length - 1)] });
          retry();
        };
        c.on('error', drop);
        c.on('end', () => drop());
        let pid: number | undefined;
        try {
          await c.connect();
          const { rows } = await c.query<{ schema: string; pid: number }>('select current_schema() as schema, pg_backend_pid() as pid');
          const own = `${rows[0]?.schema} `;
          pid = rows[0]?.pid;
          c.on('notification', (n) => {
            if (n.payload?.startsWith(own) && n.payload.slice(own.length) !== self) onWake();
          });
          await c.query(`listen ${CHANNEL}`);
        } catch (error) {
          drop(error);
          return;
        }
        if (stopped) {
          await c.end().catch(() => {});
          return;
        }
        client = c;
        logger.info('wake.listening', { pid });
        if (failures > 0) onWake();
        failures = 0;
      }

      await connect();
      return async () => {
        stopped = true;
        clearTimeout(timer);
        await client?.end().catch(() => {});
      };
    },
  };
}
