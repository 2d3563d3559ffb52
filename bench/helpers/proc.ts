import { readFileSync } from 'node:fs';

/** A memory reading of one process from /proc, in MB (Linux only; undefined elsewhere). */
export function procStatusMb(pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** User and system CPU time (ms) used so far by one process. */
export function procCpu(pid: number): { user: number; sys: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(fields[11]) * 10, sys: Number(fields[12]) * 10 };
  } catch {
    return undefined;
  }
}

/** User plus system CPU time (ms) used so far by one process. */
export function procCpuMs(pid: number): number | undefined {
  const cpu = procCpu(pid);
  return cpu && cpu.user + cpu.sys;
}
