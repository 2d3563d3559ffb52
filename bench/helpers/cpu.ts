import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

// Linux reports CPU time in clock ticks; 100 per second on every mainstream kernel config.
const TICK_MS = 10;

/**
 * CPU time (ms) used so far by every live process in a process group: the server child and
 * whatever tsx runs it in. Read from /proc, so it is Linux only; elsewhere it is undefined.
 */
export function groupCpuMs(pgid: number): number | undefined {
  try {
    let ticks = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue;
      }
      // Fields after the parenthesised command name: state ppid pgrp ... utime(14) stime(15).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) ticks += Number(fields[11]) + Number(fields[12]);
    }
    return ticks * TICK_MS;
  } catch {
    return undefined;
  }
}

/** Busy and total CPU time of the whole machine (ms, summed over cores), from /proc/stat. */
export function machineCpuMs(): { busy: number; total: number } | undefined {
  try {
    const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = values.map(Number) as number[];
    const busy = user! + nice! + system! + irq! + softirq! + steal!;
    return { busy: busy * TICK_MS, total: (busy + idle! + iowait!) * TICK_MS };
  } catch {
    return undefined;
  }
}

/**
 * Measures what `run` costs: the server group's CPU per unit of work, and how busy the machine
 * was overall, so a slow result on a shared machine can be told apart from a slow product.
 */
export async function measureCpu<T>(pgid: number, run: () => Promise<T>): Promise<{ result: T; serverCpuMs?: number; machineBusyPct?: number }> {
  const server0 = groupCpuMs(pgid);
  const machine0 = machineCpuMs();
  const result = await run();
  const server1 = groupCpuMs(pgid);
  const machine1 = machineCpuMs();
  const out: { result: T; serverCpuMs?: number; machineBusyPct?: number } = { result };
  if (server0 !== undefined && server1 !== undefined) out.serverCpuMs = server1 - server0;
  if (machine0 && machine1) out.machineBusyPct = Math.round(((machine1.busy - machine0.busy) / (machine1.total - machine0.total)) * 100);
  return out;
}

export const coreCount = () => cpus().length;
