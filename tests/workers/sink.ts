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

/** The Node SMTP server's window (tests/helpers/workers-global-setup.ts). */
export const sink = {
  async messages(to?: string): Promise<SinkMessage[]> {
    const url = new URL('/messages', SINK_URL);
    if (to) url.searchParams.set('to', to);
    return (await fetch(url)).json();
  },
  async clear(): Promise<void> {
    await fetch(new URL('/messages', SINK_URL), { method: 'DELETE' });
  },
  /** Polls until `predicate` holds for the messages, or fails after `timeoutMs`. */
  async waitFor(predicate: (messages: SinkMessage[]) => boolean, timeoutMs = 30_000): Promise<SinkMessage[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const messages = await sink.messages();
      if (predicate(messages)) return messages;
      if (Date.now() > deadline) throw new Error(`sink: condition not met in ${timeoutMs} ms (${messages.length} messages)`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  },
};
