import { testEnv } from './d1-reset.js';

const SINK_URL = testEnv.SINK_URL as string;

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

/** More of the sink's window (tests/helpers/workers-global-setup.ts) than sink.ts reads. */
export const window = {
  /** Every envelope recipient in arrival order: light enough to poll with thousands of messages. */
  recipients: () => get<string[]>('/recipients'),
  /** Polls until `predicate` holds for the recipients, or fails after `timeoutMs`. */
  async waitForRecipients(predicate: (recipients: string[]) => boolean, timeoutMs = 30_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const recipients = await window.recipients();
      if (predicate(recipients)) return recipients;
      if (Date.now() > deadline) throw new Error(`sink: condition not met in ${timeoutMs} ms (${recipients.length} recipients)`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  },
  dkim: (to?: string) => get<DkimVerdict[]>('/dkim', to),
  swaggerUi: () => get<Record<'swagger-ui.css' | 'swagger-ui-bundle.js', FileDigest>>('/swagger-ui'),
};

export function countBy(recipients: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of recipients) counts.set(r, (counts.get(r) ?? 0) + 1);
  return counts;
}
