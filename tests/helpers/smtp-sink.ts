import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMail {
  /** The order in which its DATA began (0-based, as `onMessage` counts): parsing finishes out of order. */
  index: number;
  envelope: { from: string; to: string[] };
  raw: string;
  parsed: ParsedMail;
  /** A header's unfolded raw value (mailparser restructures some, such as List-*). */
  header(name: string): string | undefined;
}

export interface SmtpSink {
  url: string;
  port: number;
  messages: ReceivedMail[];
  /** Messages read in full and then refused with a code (`onMessage` returning one). */
  refused: ReceivedMail[];
  /** Resolves once `count` messages in total have arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

export interface SinkOptions {
  /** Decide per recipient: return an SMTP error (e.g. `{code: 550, message: '...'}`) to refuse. */
  onRecipient?: (address: string) => { code: number; message: string } | undefined;
  /** Decide per envelope sender: return an SMTP error to refuse MAIL FROM (a blocked sender). */
  onSender?: (address: string) => { code: number; message: string } | undefined;
  /**
   * Called for the Nth message body (0-based, counting every DATA). Return `'drop'` to cut every
   * open connection at that moment (before the 354, so no body is sent), as a crashing or
   * restarting mail server would. Return `'drop-after-data'` to read the whole message, keep it
   * in `messages` (the server has it) and cut this connection before answering 250: the answer is
   * lost. Return an SMTP error to read the whole message and refuse it (kept in `refused`).
   */
  onMessage?: (index: number) => 'drop' | 'drop-after-data' | { code: number; message: string } | undefined;
  /** More smtp-server options (TLS, AUTH, timeouts, connection hooks), applied over the defaults. */
  server?: Partial<SMTPServerOptions>;
}

/** A real SMTP server on 127.0.0.1 that parses every message it accepts. */
export async function startSmtpSink(options: SinkOptions = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const refused: ReceivedMail[] = [];
  const sockets = new Set<import('node:net').Socket>();
  let dataCount = 0;
  const waiters: Array<() => void> = [];
  const config: SMTPServerOptions = {
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onMailFrom(address, _session, callback) {
      const refusal = options.onSender?.(address.address);
      if (!refusal) return callback();
      callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
    },
    onRcptTo(address, _session, callback) {
      const refusal = options.onRecipient?.(address.address);
      if (!refusal) return callback();
      const error = Object.assign(new Error(refusal.message), { responseCode: refusal.code });
      callback(error);
    },
    onData(stream, session, callback) {
      const index = dataCount++;
      const action = options.onMessage?.(index);
      if (action === 'drop') {
        for (const socket of sockets) socket.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const mail = await receive(Buffer.concat(chunks).toString('utf8'), session, index);
        if (typeof action === 'object') {
          refused.push(mail);
          return callback(Object.assign(new Error(action.message), { responseCode: action.code }));
        }
        messages.push(mail);
        waiters.splice(0).forEach((w) => w());
        if (action === 'drop-after-data') {
          for (const socket of sockets) if (socket.remotePort === session.remotePort) socket.destroy();
          return;
        }
        callback();
      });
    },
  };
  const server = new SMTPServer({ ...config, ...options.server });
  server.server.on('connection', (socket: import('node:net').Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // Clients that die mid-conversation (the kill -9 tests) surface as EPIPE/ECONNRESET here:
  // that is the client's failure, not the sink's.
  server.on('error', () => {});
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    refused,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`SMTP sink: expected ${count} messages, got ${messages.length} after ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 200));
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return messages;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function receive(raw: string, session: SMTPServerSession, index: number): Promise<ReceivedMail> {
  const parsed = await simpleParser(raw);
  return {
    index,
    envelope: {
      from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
      to: session.envelope.rcptTo.map((r) => r.address),
    },
    raw,
    parsed,
    header: (name) => {
      const line = parsed.headerLines.find((h) => h.key === name.toLowerCase())?.line;
      return line?.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
    },
  };
}
