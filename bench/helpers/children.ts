import { fork, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../../tests/helpers/server-process.js';
import type { RawJob, RawResult } from '../raw-nodemailer.js';
import { onCleanup } from './lifecycle.js';

/**
 * A bench/*.ts file in a child process under tsx's loader in that same process (`node --import
 * tsx`), so its pid is the process doing the work and the IPC channel reaches it.
 */
export function forkTs(file: string, env: Record<string, string> = {}): ChildProcess {
  const child = fork(join(ROOT, 'bench', file), [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  onCleanup(() => stopChild(child), () => void child.kill('SIGKILL'));
  return child;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child is gone. */
export async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Resolves with the next IPC message of `type` from `child`; rejects if the child exits first. */
export function nextMessage<T>(child: ChildProcess, type: string, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== type) return;
      done();
      resolve(message as T);
    };
    const onExit = (code: number | null, signal: string | null) => {
      done();
      reject(new Error(`child exited (code ${code}, signal ${signal}) before sending "${type}"`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no "${type}" message within ${timeoutMs} ms`));
    }, timeoutMs);
    function done() {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export interface WorkerProcess {
  pid: number;
  /** Everything it wrote (its log lines go to stderr). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * `broadsheet worker` as an operator runs it from the build: `node dist/src/cli.js worker`,
 * with exactly `env` (plus PATH), so its pid is the sending process itself.
 */
export function startWorkerProcess(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'cli.js'), 'worker'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c));
  child.stderr.on('data', (c: Buffer) => (output += c));
  const stop = () => stopChild(child, 15_000);
  onCleanup(stop, () => void child.kill('SIGKILL'));
  return { pid: child.pid!, output: () => output, stop };
}

/** The plain pooled nodemailer baseline (bench/raw-nodemailer.ts) in a process of its own. */
export async function runRawNodemailer(job: RawJob): Promise<RawResult> {
  const child = forkTs('raw-nodemailer.ts', { FANOUT_RAW_JOB: JSON.stringify(job) });
  const { result } = await nextMessage<{ result: RawResult }>(child, 'result', Math.max(120_000, job.n * 20));
  await stopChild(child);
  return result;
}
