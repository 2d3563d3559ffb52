/**
 * SMTP over a socket from an injected connector (on Workers, `connect` from cloudflare:sockets),
 * for runtimes where nodemailer cannot run: it needs node:net and DNS, and throws on every send
 * on Workers.
 *
 * Why not the `worker-mailer` package (1.2.1, 13.6 kB, MIT, no dependencies): it builds its own
 * MIME message from subject/text/html, with no way to hand it our finished one (whose DKIM
 * signature, List-Unsubscribe and Message-ID are already fixed); it takes the envelope from the
 * To/Cc/Bcc it builds; it imports `cloudflare:sockets` itself, so it cannot be driven by a test
 * socket under Node; its errors are plain `Error`s whose text holds the reply, with no code,
 * command or record of whether the final dot was written, which our failure policy needs to
 * tell a dead address from a blocked sender and a safe retry from a possible duplicate; and it
 * keeps one connection, no pool. The protocol we need is small (smtp-session.ts).
 */
import { createMessageSigner, type DkimOptions } from './dkim-policy.js';
import { classifySmtpFailure } from './failure-policy.js';
import { MailError, type Mailer } from './mailer.js';
import { openSmtpSession, SmtpFailure, type SmtpSession } from './smtp-session.js';
import { parseSmtpUrl } from './smtp-url.js';
import type { SocketConnector } from './socket-connector.js';

export interface SocketSmtpOptions {
  url: string;
  connect: SocketConnector;
  /** The EHLO name, e.g. the domain of MAIL_FROM (Workers have no host name to give). */
  clientName: string;
  maxConnections?: number;
  dkim?: DkimOptions | undefined;
  /** How long to wait for the connection, each reply and each write. */
  timeoutMs?: number;
}

/** Up to `maxConnections` connections, each one message at a time, kept open between messages. */
export function createSocketSmtpMailer({ url, connect, clientName, maxConnections = 5, dkim, timeoutMs = 60_000 }: SocketSmtpOptions): Mailer {
  const target = parseSmtpUrl(url);
  const sign = dkim ? createMessageSigner(dkim) : undefined;
  const idle: SmtpSession[] = [];
  const slots = createSlots(maxConnections);
  let closed = false;

  const deliver = async (envelope: { from: string; to: string }, message: string) => {
    for (;;) {
      const pooled = idle.pop();
      const session = pooled ?? (await openSmtpSession({ connect, target, clientName, timeoutMs }));
      try {
        await session.send(envelope, message);
        return;
      } catch (error) {
        // A kept connection the server has since dropped (idle timeout, restart) fails on its
        // first command with nothing handed over: the message goes again on another connection.
        if (!(pooled && isStale(error))) throw error;
      } finally {
        if (session.reusable && !closed) idle.push(session);
        else session.abort();
      }
    }
  };

  return {
    async sendRaw(envelope, raw) {
      if (closed) throw new MailError('The mailer is closed', 'transient');
      // Addresses go into command lines: a line break in one would be a command of its own.
      if (/[\r\n<>]/.test(envelope.to)) throw new MailError(`Refusing recipient ${JSON.stringify(envelope.to)}: not an address`, 'recipient');
      if (/[\r\n<>]/.test(envelope.from)) throw new MailError(`Refusing sender ${JSON.stringify(envelope.from)}: not an address`, 'sender');
      await slots.acquire();
      try {
        await deliver(envelope, sign ? await sign(raw) : raw);
      } catch (error) {
        throw classifySmtpFailure(error, error instanceof SmtpFailure && error.handedOver);
      } finally {
        slots.release();
      }
    },
    async close() {
      closed = true;
      await Promise.all(idle.splice(0).map((session) => session.quit()));
    },
  };
}

function isStale(error: unknown): boolean {
  return error instanceof SmtpFailure && (error.command === 'RSET' || error.command === 'MAIL FROM') && (error.responseCode === undefined || error.responseCode === 421);
}

/** A counting semaphore: at most `count` messages in flight, so at most `count` connections. */
function createSlots(count: number) {
  let free = count;
  const waiting: Array<() => void> = [];
  return {
    async acquire() {
      if (free > 0) free--;
      else await new Promise<void>((resolve) => waiting.push(resolve));
    },
    release() {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}
