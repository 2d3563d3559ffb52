import type { SinkStats, Tally } from '../smtp-sink-process.js';
import { forkTs, nextMessage } from './children.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type Sink = Awaited<ReturnType<typeof startSinkProcess>>;

/**
 * The bench SMTP sink (bench/smtp-sink-process.ts) in a process of its own, so receiving never
 * shares the event loop of what is measured. `captureTo` keeps the copy mailed to that address;
 * `tally` counts copies per recipient.
 */
export async function startSinkProcess(options: { captureTo?: string; tally?: boolean } = {}) {
  const child = forkTs('smtp-sink-process.ts', {
    ...(options.captureTo ? { FANOUT_CAPTURE_TO: options.captureTo } : {}),
    ...(options.tally ? { FANOUT_TALLY: '1' } : {}),
  });
  const { port } = await nextMessage<{ port: number }>(child, 'ready', 30_000);
  const ask = (type: 'stats' | 'reset') => {
    const reply = nextMessage<SinkStats>(child, 'stats');
    child.send({ type });
    return reply;
  };
  return {
    pid: child.pid!,
    port,
    url: `smtp://127.0.0.1:${port}`,
    stats: () => ask('stats'),
    reset: () => ask('reset'),
    async captured(): Promise<string | null> {
      const reply = nextMessage<{ raw: string | null }>(child, 'captured');
      child.send({ type: 'captured' });
      return (await reply).raw;
    },
    /** Missing, duplicate and unexpected copies for the addresses `pattern` ('x{i}@y') makes for 0 .. n-1. */
    tally(pattern: string, n: number): Promise<Tally> {
      const reply = nextMessage<Tally>(child, 'tally', 120_000);
      child.send({ type: 'tally', pattern, n });
      return reply;
    },
    /**
     * Waits until the sink holds `count` messages, or nothing arrived for `quietMs` (a send that
     * stalled, or ended short), or `timeoutMs` passed.
     */
    async waitFor(count: number, timeoutMs: number, quietMs = 15_000): Promise<SinkStats> {
      const deadline = Date.now() + timeoutMs;
      let last = -1;
      let lastChange = Date.now();
      for (;;) {
        const s = await ask('stats');
        if (s.messages !== last) {
          last = s.messages;
          lastChange = Date.now();
        }
        if (s.messages >= count || Date.now() > deadline || Date.now() - lastChange > quietMs) return s;
        await sleep(100);
      }
    },
  };
}
