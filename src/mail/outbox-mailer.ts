import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import type { Mailer } from './mailer.js';

/**
 * The default transport when no SMTP_URL is set: each message becomes a `.eml` file under
 * DATA_DIR/outbox, so the whole product runs and can be inspected with no mail server.
 */
export function createOutboxMailer(dir: string, logger: Logger): Mailer {
  let counter = 0;
  let ready: Promise<unknown> | undefined;
  const write = async (message: string) => {
    // Every message names a reader: only the owner may read them, as with the database.
    ready ??= mkdir(dir, { recursive: true, mode: 0o700 });
    await ready;
    const file = join(dir, `${Date.now()}-${process.pid}-${++counter}.eml`);
    await writeFile(file, message, { mode: 0o600 });
    return file;
  };
  return {
    async sendRaw(envelope, raw) {
      const file = await write(raw);
      logger.info('mail.outbox', { to: envelope.to, file });
    },
    async close() {},
  };
}
