import { SingleBar } from 'cli-progress';
import type { Deps } from '../deps.js';
import { getSend, type SendSummary } from '../sending/send-summary.js';

const FINAL = new Set(['done', 'cancelled', 'paused', 'failed']);

/**
 * Shows a send's progress until it is done, cancelled, paused or failed. Reads the database, so it
 * works whether the worker runs in this process or another one.
 */
export async function followSend(deps: Pick<Deps, 'db' | 'clock'>, id: number, intervalMs = 250): Promise<SendSummary> {
  // cli-progress draws only on a terminal, so piped output stays clean.
  const bar = new SingleBar({
    format: 'send {id} [{bar}] {percentage}% | {value}/{total} | {status} | {rate} msgs/s | failed {failed} | skipped {skipped} | unknown {unknown}',
    stream: process.stderr,
    hideCursor: true,
  });
  let send = await getSend(deps.db, id, deps.clock.now());
  bar.start(send.total, 0, payload(send));
  try {
    while (!FINAL.has(send.status)) {
      await new Promise((r) => setTimeout(r, intervalMs));
      send = await getSend(deps.db, id, deps.clock.now());
      bar.update(send.total - send.pending, payload(send));
    }
  } finally {
    bar.stop();
  }
  return send;
}

const payload = (s: SendSummary) => ({ id: s.id, status: s.status, rate: s.rate ?? 0, failed: s.failed, skipped: s.skipped, unknown: s.unknown });

export function describeSend(s: SendSummary): string {
  return (
    `send ${s.id} (post ${s.post_id}) ${s.status}: ${s.sent}/${s.total} sent, ${s.failed} failed, ${s.skipped} skipped, ${s.unknown} unknown, ${s.pending} pending` +
    `${s.rate ? `, ${s.rate} msgs/s` : ''} — "${s.subject}"${s.reason ? `\n  reason: ${s.reason}` : ''}`
  );
}
