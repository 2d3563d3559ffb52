import { testEnv } from './d1-reset.js';

const SINK_URL = testEnv.SINK_URL as string;

export interface SinkMessage {
  envelope: { from: string; to: string[] };
  subject: string;
  messageId: string;
  text: string;
  html: string;
  headers: Record<string, string | undefined>;
}

export interface DkimVerdict {
  to: string[];
  subject: string;
  /** mailauth's result per DKIM-Signature: 'pass', 'fail', 'neutral', ... */
  results: { result: string; comment?: string }[];
  /** The h= tag of the DKIM-Signature, lowercase; undefined when the message is unsigned. */
  signedFields?: string[];
  /** How many From fields the message's header has. */
  fromHeaders: number;
}

export interface FileDigest {
  size: number;
  sha256: string;
}

const get = async <T>(path: string, to?: string): Promise<T> => {
  const url = new URL(path, SINK_URL);
  if (to) url.searchParams.set('to', to);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`sink window ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<T>;
};

/** Reads `read` until `predicate` holds for what it returns, or fails after `timeoutMs`. */
async function poll<T extends unknown[]>(read: () => Promise<T>, predicate: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (predicate(value)) return value;
    if (Date.now() > deadline) throw new Error(`sink: condition not met in ${timeoutMs} ms (${value.length} ${what})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The Node SMTP server's window (tests/helpers/workers-global-setup.ts): what it received, parsed there. */
export const sink = {
  messages: (to?: string) => get<SinkMessage[]>('/messages', to),
  async clear(): Promise<void> {
    await fetch(new URL('/messages', SINK_URL), { method: 'DELETE' });
  },
  waitFor: (predicate: (messages: SinkMessage[]) => boolean, timeoutMs = 30_000) => poll(() => sink.messages(), predicate, timeoutMs, 'messages'),
  /** Every envelope recipient in arrival order: light enough to poll with thousands of messages. */
  recipients: () => get<string[]>('/recipients'),
  waitForRecipients: (predicate: (recipients: string[]) => boolean, timeoutMs = 30_000) => poll(sink.recipients, predicate, timeoutMs, 'recipients'),
  dkim: (to?: string) => get<DkimVerdict[]>('/dkim', to),
  swaggerUi: () => get<Record<'swagger-ui.css' | 'swagger-ui-bundle.js', FileDigest>>('/swagger-ui'),
};

export function countBy(recipients: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of recipients) counts.set(r, (counts.get(r) ?? 0) + 1);
  return counts;
}
