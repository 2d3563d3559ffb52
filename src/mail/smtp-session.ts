import { bytesToBase64 } from './base64.js';
import { MailError } from './mailer.js';
import { createReplyReader, withTimeout, type ReplyReader, type SmtpReply } from './smtp-replies.js';
import type { SmtpTarget } from './smtp-url.js';
import type { ConnectedSocket, SocketConnector } from './socket-connector.js';

/**
 * A refused command or a lost connection during one message, with the fields
 * classifySmtpFailure reads from nodemailer's errors. `handedOver` is true once the whole
 * message and its final dot were written: from then on the server may have it.
 */
export class SmtpFailure extends Error {
  constructor(
    message: string,
    readonly command: string,
    readonly handedOver: boolean,
    readonly responseCode?: number,
    readonly response?: string,
  ) {
    super(message);
    this.name = 'SmtpFailure';
  }
}

export interface SessionOptions {
  connect: SocketConnector;
  target: SmtpTarget;
  /** The EHLO name, e.g. the domain of MAIL_FROM. */
  clientName: string;
  timeoutMs: number;
}

/** One SMTP connection, ready for MAIL FROM: one message at a time. */
export interface SmtpSession {
  send(envelope: { from: string; to: string }, message: string): Promise<void>;
  /** False once the connection is lost or out of step: it is then closed, not reused. */
  readonly reusable: boolean;
  quit(): Promise<void>;
  abort(): void;
}

const utf8 = new TextEncoder();

/** Connects, reads the greeting, says EHLO, upgrades with STARTTLS when offered, authenticates. */
export async function openSmtpSession({ connect, target, clientName, timeoutMs }: SessionOptions): Promise<SmtpSession> {
  let socket: ConnectedSocket = connect({ hostname: target.hostname, port: target.port }, { secureTransport: target.implicitTls ? 'on' : 'starttls', allowHalfOpen: false });
  let alive = true;
  const abort = () => {
    alive = false;
    socket.close().catch(() => {});
  };
  let replies: ReplyReader;
  let writer: WritableStreamDefaultWriter<Uint8Array>;
  const attach = () => {
    replies = createReplyReader(socket.readable, abort);
    writer = socket.writable.getWriter();
  };
  const write = (bytes: Uint8Array) => withTimeout(writer.write(bytes), timeoutMs, abort);
  /** Sends a line (or nothing, for the greeting) and reads the reply, refusing one outside `expect`. */
  const exchange = async (line: string | undefined, command: string, expect: string, handedOver = false): Promise<SmtpReply> => {
    let reply: SmtpReply;
    try {
      if (line !== undefined) await write(utf8.encode(`${line}\r\n`));
      reply = await replies.next(timeoutMs);
    } catch (error) {
      abort();
      throw new SmtpFailure(`${command}: ${(error as Error).message}`, command, handedOver);
    }
    if (!expect.includes(String(reply.code).charAt(0))) {
      // 421: the server is closing this connection.
      if (reply.code === 421) abort();
      throw new SmtpFailure(`${command} refused: ${reply.text}`, command, handedOver, reply.code, reply.text);
    }
    return reply;
  };

  let capabilities: Map<string, string>;
  try {
    await withTimeout(socket.opened, timeoutMs, abort);
    attach();
    await exchange(undefined, 'CONN', '2');
    capabilities = await hello(exchange, clientName);
    if (!target.implicitTls && capabilities.has('STARTTLS')) {
      await exchange('STARTTLS', 'STARTTLS', '2');
      replies!.release();
      writer!.releaseLock();
      socket = socket.startTls();
      await withTimeout(socket.opened, timeoutMs, abort);
      attach();
      capabilities = await hello(exchange, clientName);
    }
    if (target.auth) await authenticate(exchange, capabilities, target.auth);
  } catch (error) {
    abort();
    if (error instanceof SmtpFailure || error instanceof MailError) throw error;
    throw new SmtpFailure(`Connecting to ${target.hostname}:${target.port}: ${(error as Error).message}`, 'CONN', false);
  }

  // After a refused transaction the server still holds its state: RSET before the next one.
  let dirty = false;
  return {
    get reusable() {
      return alive;
    },
    abort,
    async send(envelope, message) {
      if (dirty) await exchange('RSET', 'RSET', '2');
      dirty = true;
      await exchange(`MAIL FROM:<${envelope.from}>${mailParameters(capabilities, envelope, message)}`, 'MAIL FROM', '2');
      await exchange(`RCPT TO:<${envelope.to}>`, 'RCPT TO', '2');
      await exchange('DATA', 'DATA', '3');
      try {
        await write(dataBlock(message));
      } catch (error) {
        abort();
        throw new SmtpFailure(`DATA: ${(error as Error).message}`, 'DATA', false);
      }
      await exchange(undefined, 'DATA', '2', true);
      dirty = false;
    },
    async quit() {
      if (!alive) return;
      await exchange('QUIT', 'QUIT', '2').catch(() => {});
      abort();
    },
  };
}

type Exchange = (line: string | undefined, command: string, expect: string) => Promise<SmtpReply>;

/**
 * EHLO, and the capabilities by keyword with their parameters. No HELO fallback: submission
 * servers (587, 465; port 25 is closed on Workers) speak ESMTP (RFC 6409).
 */
async function hello(exchange: Exchange, clientName: string): Promise<Map<string, string>> {
  const reply = await exchange(`EHLO ${clientName}`, 'EHLO', '2');
  const capabilities = new Map<string, string>();
  for (const line of reply.lines.slice(1)) {
    const [keyword = '', ...rest] = line.trim().split(/[\s=]+/);
    capabilities.set(keyword.toUpperCase(), rest.join(' ').toUpperCase());
  }
  return capabilities;
}

async function authenticate(exchange: Exchange, capabilities: ReadonlyMap<string, string>, auth: { user: string; pass: string }): Promise<void> {
  const mechanisms = (capabilities.get('AUTH') ?? '').split(' ');
  const base64 = (text: string) => bytesToBase64(utf8.encode(text));
  if (mechanisms.includes('PLAIN')) {
    await exchange(`AUTH PLAIN ${base64(`\0${auth.user}\0${auth.pass}`)}`, 'AUTH PLAIN', '2');
  } else if (mechanisms.includes('LOGIN')) {
    await exchange('AUTH LOGIN', 'AUTH LOGIN', '3');
    await exchange(base64(auth.user), 'AUTH LOGIN', '3');
    await exchange(base64(auth.pass), 'AUTH LOGIN', '2');
  } else {
    // Credentials sent nowhere are a configuration problem: ours, so retried and, in a row, pausing.
    throw new MailError(`The SMTP server offers no AUTH PLAIN or LOGIN (it offers: ${mechanisms.join(' ') || 'none'})`, 'sender');
  }
}

/** BODY=8BITMIME and SMTPUTF8 when the message or the addresses need them and the server has them. */
function mailParameters(capabilities: ReadonlyMap<string, string>, envelope: { from: string; to: string }, message: string): string {
  let parameters = '';
  if (capabilities.has('8BITMIME') && /[^\x00-\x7f]/.test(message)) parameters += ' BODY=8BITMIME';
  if (capabilities.has('SMTPUTF8') && /[^\x00-\x7f]/.test(envelope.from + envelope.to)) parameters += ' SMTPUTF8';
  return parameters;
}

/** The DATA block: CRLF line ends, lines starting with a dot get another (RFC 5321 4.5.2), the final dot. */
export function dataBlock(message: string): Uint8Array {
  const text = message.replace(/\r\n|\r|\n/g, '\r\n').replace(/(^|\r\n)\./g, '$1..');
  return utf8.encode(text.endsWith('\r\n') ? `${text}.\r\n` : `${text}\r\n.\r\n`);
}
