import type { Mailer } from '../mail/mailer.js';

/**
 * A mailer whose every message has a connection of its own, closed after it. For the fetch
 * handler's few messages (an editor's test send): a Workers socket belongs to the invocation that
 * opened it, and another request may not use it, so no connection may outlive its request.
 */
export function perMessageMailer(create: () => Mailer): Mailer {
  return {
    async sendRaw(envelope, raw) {
      const mailer = create();
      try {
        await mailer.sendRaw(envelope, raw);
      } finally {
        await mailer.close();
      }
    },
    async close() {},
  };
}
