import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../../tests/helpers/server-process.js';

export interface LoadOptions {
  url: string;
  seconds: number;
  connections?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** `[<id>]` in the body becomes a fresh unique id per request (autocannon's idReplacement). */
  body?: string;
}

export interface LoadResult {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  requests: number;
  non2xx: number;
  errors: number;
}

/**
 * Drives `url` with autocannon's CLI in a separate process, so the load generator never shares
 * the event loop (or the core) of whatever is measuring it.
 */
export function autocannon(options: LoadOptions): Promise<LoadResult> {
  const args = ['--json', '--connections', String(options.connections ?? 10), '--duration', String(options.seconds)];
  if (options.method) args.push('--method', options.method);
  for (const [k, v] of Object.entries(options.headers ?? {})) args.push('--headers', `${k}=${v}`);
  if (options.body !== undefined) args.push('--body', options.body, '--idReplacement');
  args.push(options.url);
  return new Promise((resolve, reject) => {
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'autocannon'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited ${code}: ${stderr}`));
      const r = JSON.parse(stdout.trim().split('\n').pop()!) as {
        requests: { average: number; total: number };
        latency: { p50: number; p99: number };
        non2xx: number;
        errors: number;
        timeouts: number;
      };
      resolve({
        rps: Math.round(r.requests.average),
        p50_ms: r.latency.p50,
        p99_ms: r.latency.p99,
        requests: r.requests.total,
        non2xx: r.non2xx,
        errors: r.errors + r.timeouts,
      });
    });
  });
}
