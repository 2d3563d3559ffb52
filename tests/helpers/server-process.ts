import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDatabaseEnv } from './test-database.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// What `npm start` runs: one Node process with tsx's loader. (The tsx CLI would put a relay
// process in between, which SIGKILLs the server if it is slow to acknowledge a SIGTERM.)
const NODE_TS = [process.execPath, '--import', 'tsx'] as const;

/** A port nobody is listening on: bind port 0, read what the OS picked, release it. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

// Children run in their own process group, so that a hard kill also takes anything they
// started, and nothing outlives a test holding a port or an SMTP connection.
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // Already gone.
  }
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Finished extends Exit {
  stdout: string;
  stderr: string;
}

/**
 * Starts a TypeScript entry (`src/cli.ts`, `src/server.ts`) with `args` and exactly `env` (plus
 * PATH); `result` settles when it exits, and kills it after `timeoutMs`.
 */
export function spawnEntry(file: string, args: readonly string[], env: Record<string, string>, timeoutMs = 30_000): { child: ChildProcess; result: Promise<Finished> } {
  const [node, ...flags] = NODE_TS;
  const childEnv = { PATH: process.env.PATH ?? '', ...env, ...testDatabaseEnv(env) };
  const child = spawn(node, [...flags, file, ...args], { cwd: ROOT, env: childEnv, detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c));
  child.stderr!.on('data', (c: Buffer) => (stderr += c));
  const result = new Promise<Finished>((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup(child, 'SIGKILL');
      reject(new Error(`${file} ${args.join(' ')} did not exit within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      killGroup(child, 'SIGKILL');
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, result };
}

/** Runs a TypeScript entry as `npm start` would, to completion. */
export function runEntry(file: string, env: Record<string, string>, timeoutMs = 30_000): Promise<Finished> {
  return spawnEntry(file, [], env, timeoutMs).result;
}

/** Runs `broadsheet ARGS...` (the CLI) to completion. */
export function runCli(args: readonly string[], env: Record<string, string>, timeoutMs = 60_000): Promise<Finished> {
  return spawnEntry('src/cli.ts', args, env, timeoutMs).result;
}

export interface ServerProcess {
  url: string;
  port: number;
  dataDir: string;
  /** The database the server runs on (its DATABASE_URL, or the SQLite file under DATA_DIR). */
  databaseUrl: string;
  child: ChildProcess;
  /** Everything the server wrote so far (its structured log lines go to stderr). */
  output(): string;
  /** Resolves when the process has exited, however that happened. */
  exited: Promise<Exit>;
  /**
   * Sends `signal` to the server as `kill PID` would (SIGKILL goes to its whole process group)
   * and waits for the exit; kills the group hard after `timeoutMs`. Nothing is left running.
   */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<Exit & { ms: number }>;
}

/**
 * Starts `src/server.ts` (what `npm start` runs) as a child process on a free port with a fresh
 * DATA_DIR, and resolves once GET /health answers. `env` adds to or overrides the defaults.
 */
export async function startServer(
  options: { env?: Record<string, string>; dataDir?: string; readyTimeoutMs?: number; command?: readonly string[] } = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'broadsheet-server-'));
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    PUBLIC_URL: url,
    PUBLICATION_NAME: 'Allycaral',
    MAIL_FROM: 'newsletter@example.com',
    ...options.env,
  };
  Object.assign(env, testDatabaseEnv(env));
  const [node, ...args] = options.command ?? [...NODE_TS, 'src/server.ts'];
  const child = spawn(node!, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c));
  child.stderr!.on('data', (c: Buffer) => (output += c));
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => {
      killGroup(child, 'SIGKILL');
      resolve({ code, signal });
    }),
  );
  let exit: Exit | undefined;
  void exited.then((e) => (exit = e));

  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  for (;;) {
    if (exit) throw new Error(`server exited (code ${exit.code}, signal ${exit.signal}) before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      throw new Error(`server did not answer ${url}/health in time:\n${output}`);
    }
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    url,
    port,
    dataDir,
    databaseUrl: env.DATABASE_URL ?? join(dataDir, 'broadsheet.db'),
    child,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM', timeoutMs = 10_000) {
      const started = Date.now();
      if (exit) return { ...exit, ms: 0 };
      if (signal === 'SIGKILL') killGroup(child, signal);
      else child.kill(signal);
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return { ...result, ms: Date.now() - started };
    },
  };
}

/** What `npm start` runs (the built server), read from package.json so benchmarks measure that. */
export function productionServerCommand(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start.replace(/^exec\s+/, '').split(/\s+/);
}
