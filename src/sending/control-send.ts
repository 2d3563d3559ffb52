import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import type { SendStatus } from '../db/database.js';
import { Conflict } from '../errors.js';
import { getSend, SUMMARY_COLUMNS, toSummary, type SendSummary } from './send-summary.js';

type ControlDeps = Pick<Deps, 'db' | 'clock' | 'wakeWorker'>;

/** The statuses each control moves a send from: the desk offers only the controls that apply. */
export const CONTROLLABLE_FROM = {
  pause: ['queued', 'sending'],
  resume: ['paused'],
  cancel: ['queued', 'sending', 'paused'],
} as const satisfies Record<string, readonly SendStatus[]>;

export type SendControl = keyof typeof CONTROLLABLE_FROM;

/**
 * Every control is one conditional UPDATE: it either moves the send from an allowed status or
 * reports a conflict, so two editors pressing buttons at once cannot corrupt a send.
 */
async function transition(deps: ControlDeps, id: number, from: readonly SendStatus[], to: SendStatus, verb: string, extra: { finished_at?: string; reason?: null } = {}): Promise<SendSummary> {
  const now = deps.clock.now();
  const row = await deps.db
    .updateTable('sends')
    .set({ status: to, updated_at: iso(now), ...extra })
    .where('id', '=', id)
    .where('status', 'in', from)
    .returning(SUMMARY_COLUMNS)
    .executeTakeFirst();
  if (row) return toSummary(row, now);
  const current = await getSend(deps.db, id, now);
  throw new Conflict(`Cannot ${verb} a send that is ${current.status}`);
}

/** Stops handing out new deliveries; messages already in flight finish. */
export const pauseSend = (deps: ControlDeps, id: number) => transition(deps, id, CONTROLLABLE_FROM.pause, 'paused', 'pause');

export async function resumeSend(deps: ControlDeps, id: number): Promise<SendSummary> {
  // The editor has dealt with whatever made the worker pause it.
  const summary = await transition(deps, id, CONTROLLABLE_FROM.resume, 'sending', 'resume', { reason: null });
  deps.wakeWorker();
  return summary;
}

/** Ends the send for good: deliveries still pending are never sent. */
export const cancelSend = (deps: ControlDeps, id: number) =>
  transition(deps, id, CONTROLLABLE_FROM.cancel, 'cancelled', 'cancel', { finished_at: iso(deps.clock.now()) });
