/**
 * A local SMTP sink for benchmarks, meant to run in its own process (see `startSinkProcess` in
 * bench/helpers/sink-client.ts): smtp-server on 127.0.0.1, any sender, no AUTH, no STARTTLS. It
 * reads and discards every message body, counting messages, recipients and bytes; only the copy
 * addressed to FANOUT_CAPTURE_TO (if set) is kept, so the bench can see exactly what was mailed.
 *
 * Talks to its parent over the IPC channel: announces `{type: 'ready', port}`, answers
 * `{type: 'stats'}` and `{type: 'reset'}` with `{type: 'stats', ...}`, and `{type: 'captured'}`
 * with `{type: 'captured', raw}`. It exits when the parent goes away.
 *
 * With FANOUT_TALLY=1 it also counts copies per recipient, so a bench can prove that every
 * reader got exactly one: `{type: 'tally', pattern: 'reader{i}@host', n}` is answered with
 * `{type: 'tally', ...Tally}` for the addresses `pattern` makes for i = 0 .. n-1.
 */
import { SMTPServer } from 'smtp-server';

const captureTo = process.env.FANOUT_CAPTURE_TO?.toLowerCase();
const copies = process.env.FANOUT_TALLY === '1' ? new Map<string, number>() : undefined;

/** What the sink reports to its parent (shared with bench/fanout.bench.ts). */
export interface SinkStats {
  messages: number;
  recipients: number;
  bytes: number;
  connections: number;
  /** Most connections open at once since the last reset: what a sender's parallelism really was. */
  peak_connections: number;
  /** Epoch ms of the first and last accepted message since the last reset. */
  first_at: number | null;
  last_at: number | null;
}

/** Copies per expected recipient since the last reset (bench/helpers/sink-client.ts asks for it). */
export interface Tally {
  /** Expected recipients with no copy. */
  missing: number;
  /** Copies beyond the first, summed over expected recipients. */
  duplicates: number;
  /** Copies to addresses outside the expected set (the bench's own test copies, say). */
  unexpected: number;
}

function tally(pattern: string, n: number): Tally {
  const counted = new Map(copies);
  let missing = 0;
  let duplicates = 0;
  for (let i = 0; i < n; i++) {
    const address = pattern.replace('{i}', String(i));
    const count = counted.get(address) ?? 0;
    if (count === 0) missing++;
    else duplicates += count - 1;
    counted.delete(address);
  }
  let unexpected = 0;
  for (const count of counted.values()) unexpected += count;
  return { missing, duplicates, unexpected };
}

let open = 0;
const fresh = (): SinkStats => ({ messages: 0, recipients: 0, bytes: 0, connections: 0, peak_connections: open, first_at: null, last_at: null });
let stats = fresh();
let captured: string | null = null;

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  logger: false,
  banner: 'broadsheet bench sink',
  // The product and the baseline both open SEND_CONCURRENCY connections; leave head room.
  maxClients: 1000,
  size: 0,
  onConnect(_session, callback) {
    stats.connections++;
    stats.peak_connections = Math.max(stats.peak_connections, ++open);
    callback();
  },
  onClose() {
    open--;
  },
  onData(stream, session, callback) {
    const keep = captureTo !== undefined && session.envelope.rcptTo.some((r) => r.address.toLowerCase() === captureTo);
    const chunks: Buffer[] = [];
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (keep) chunks.push(chunk);
    });
    stream.on('end', () => {
      const now = Date.now();
      stats.messages++;
      stats.recipients += session.envelope.rcptTo.length;
      stats.bytes += bytes;
      stats.first_at ??= now;
      stats.last_at = now;
      if (keep) captured = Buffer.concat(chunks).toString('utf8');
      if (copies) for (const r of session.envelope.rcptTo) copies.set(r.address.toLowerCase(), (copies.get(r.address.toLowerCase()) ?? 0) + 1);
      callback();
    });
  },
});
// Clients that go away mid-conversation are the client's business, not a sink failure.
server.on('error', () => {});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.server.address() as { port: number };
  process.send?.({ type: 'ready', port });
});

process.on('message', (message: { type: string; pattern?: string; n?: number }) => {
  if (message.type === 'reset') {
    stats = fresh();
    copies?.clear();
  }
  if (message.type === 'tally') process.send?.({ type: 'tally', ...tally(message.pattern!, message.n!) });
  if (message.type === 'stats' || message.type === 'reset') process.send?.({ type: 'stats', ...stats });
  if (message.type === 'captured') process.send?.({ type: 'captured', raw: captured });
});

// The parent died or closed the channel: never outlive it.
process.on('disconnect', () => {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 500).unref();
});
