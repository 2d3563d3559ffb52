import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { json } from './test-app.js';

/** The bootstrap key the post tests run with (ADMIN_API_KEY). */
export const ADMIN_KEY = 'posts-test-admin-key-0123456789';
export const ADMIN = { authorization: `Bearer ${ADMIN_KEY}` };
export const ADMIN_ENV = { ADMIN_API_KEY: ADMIN_KEY };

interface Requester {
  request(path: string, init?: RequestInit): Response | Promise<Response>;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  // Tests read whatever shape the route answers; assertions check it.
  body: any;
}

/** One admin API call with the test key; the body, if any, goes as JSON. */
export async function adminApi(app: Requester, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  const init = body === undefined ? { method, headers: ADMIN } : { ...json(body, ADMIN), method };
  const res = await app.request(path, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

/** A valid create-post payload; tests override what they are about. */
export const postInput = (overrides: Record<string, unknown> = {}) => ({ title: 'A day at the quay', body: 'The boats came in *early*.', ...overrides });

/** Creates a post and publishes it on the web only; returns the published post. */
export async function publishedPost(app: Requester, overrides: Record<string, unknown> = {}) {
  const created = await adminApi(app, 'POST', '/api/admin/posts', postInput(overrides));
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${JSON.stringify(created.body)}`);
  const published = await adminApi(app, 'POST', `/api/admin/posts/${created.body.id}/publish`, { send: false });
  if (published.status !== 202) throw new Error(`publish failed: ${published.status} ${JSON.stringify(published.body)}`);
  return published.body.post;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * Runs the real server (`tsx src/server.ts`, as `npm start` does) on a free port with a fresh
 * data directory, and waits until /health answers.
 */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'broadsheet-server-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['src/server.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url, LOG_LEVEL: 'warn', ...ADMIN_ENV, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`the server did not start:\n${stderr}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
