import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { createRequire } from 'node:module';

/**
 * Runs the pinned wrangler (4.86.0: the last that starts on Node 20) with telemetry, banner and
 * Cloudflare lookups off, so that local commands work offline and print only what matters.
 */
export function wrangler(args: string[], options: SpawnSyncOptions = {}): number {
  const bin = createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js');
  const result = spawnSync(process.execPath, [bin, ...args], {
    stdio: 'inherit',
    ...options,
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: 'false',
      WRANGLER_SEND_ERROR_REPORTS: 'false',
      WRANGLER_HIDE_BANNER: 'true',
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      ...options.env,
    },
  });
  return result.status ?? 1;
}
