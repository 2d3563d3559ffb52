/** One SMTP reply, all its lines joined, as nodemailer reports it in `response`. */
export interface SmtpReply {
  code: number;
  text: string;
  lines: string[];
}

/** The reader ran out of time or the server hung up: no reply to classify. */
export class SmtpConnectionError extends Error {}

export interface ReplyReader {
  /** The next complete reply, multi-line ones (`250-...` up to `250 ...`) read in full. */
  next(timeoutMs: number): Promise<SmtpReply>;
  /** Lets go of the stream, as STARTTLS needs before the socket is upgraded. */
  release(): void;
}

/**
 * Reads replies only when one is awaited: nothing is left reading the plain stream when
 * STARTTLS swaps it for the encrypted one.
 */
export function createReplyReader(readable: ReadableStream<Uint8Array>, onTimeout: () => void): ReplyReader {
  const reader = readable.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let lines: string[] = [];

  const take = (): SmtpReply | undefined => {
    for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
      const line = buffer.slice(0, end).replace(/\r$/, '');
      buffer = buffer.slice(end + 1);
      lines.push(line);
      // "250-" continues the reply; "250 " or a bare "250" ends it.
      if (line[3] !== '-') {
        const reply = { code: Number(line.slice(0, 3)) || 0, text: lines.join('\n'), lines: lines.map((l) => l.slice(4)) };
        lines = [];
        return reply;
      }
    }
    return undefined;
  };

  return {
    async next(timeoutMs) {
      for (;;) {
        const reply = take();
        if (reply) return reply;
        const { value, done } = await withTimeout(reader.read(), timeoutMs, onTimeout);
        if (done) throw new SmtpConnectionError('Connection closed by the SMTP server');
        buffer += decoder.decode(value, { stream: true });
      }
    },
    release: () => reader.releaseLock(),
  };
}

export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, onTimeout: () => void): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new SmtpConnectionError(`No answer from the SMTP server within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([promise, expired]);
  } catch (error) {
    throw error instanceof SmtpConnectionError ? error : new SmtpConnectionError(error instanceof Error ? error.message : String(error));
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
